"""A civil servant's ID number read in full, with a reason (个人信息保护法; casework.services.pii)."""
