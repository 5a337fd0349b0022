"""Personal data as UK GDPR expects: the retention schedule for every kind of record and its
sweep (`schedule`), subject access (`subject_access`), erasure (`erasure`), and the pages that
show them (`views`): the privacy notice, the accessibility statement, the records of processing."""
