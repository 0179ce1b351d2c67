"""``python -m quotattr`` runs the command line (see :mod:`quotattr.cli`)."""

import sys

from quotattr.cli import main

if __name__ == "__main__":
    sys.exit(main())
