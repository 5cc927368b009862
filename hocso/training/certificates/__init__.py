"""Certificates of completed courses: issuing, the PDF, whole-class runs, revocation and public verification."""
