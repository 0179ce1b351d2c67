"""Short news-style sentences written for quotattr's robustness checks (the fuzzer and the hardening
tests): a rank, a statement, "according to", split quotes, scare quotes, an anonymous source."""

from __future__ import annotations

NEWS = (
    "“We will not accept this,” said Maj. Gen. Sirwan Barzani, a Peshmerga commander.",
    "The ministry said in a statement that talks would resume on Monday.",
    "According to the report, 40 people were injured.",
    '"It is over," she told reporters. "We go home now."',
    "Police spokesman Ana Silva said the road was closed, adding that “nobody was hurt.”",
    "He called the decision ‘a disgrace’ and said he would appeal.",
    "“The talks,” he said, “were useful.”",
    "Officials, who spoke on condition of anonymity, said the plan had failed.",
    "Lt. Col. Jane Doe of the U.S. Army told CNN: “We are ready.”",
    "The mayor's office didn't respond; it's unclear when the bridge reopens.",
)
