"""Termly incident returns (issue 10): terms, incident types, a school's return and its versions,
the reminders, trends and the late list. A concept inside `schools`; its models are imported by
`schools/models.py` so they keep the `schools` app label. Depends only on `schools` and
`accreditation`; portfolios asks `returns.selectors` for the figures of its criterion-8 summary."""
