"""The court-list pages under /work/court/: importing the 失信被执行人 list and court
documents, the officer's queue of name matches, and the revocations waiting for an approver."""
