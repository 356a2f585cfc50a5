"""A tamper-evident audit trail shaped by CJIS Security Policy 5.4 (auditing and accountability).

Records (who, what, when, where, outcome) are appended as JSON lines; each carries the sha256 of the
record before it, and a signed checkpoint (HMAC-SHA256 with a key from ``CUSTODIET_AUDIT_KEY``) follows
every N records and closes the trail. ``audit.verify.verify`` finds the first changed, deleted, inserted or
reordered record. No broker library is imported here.
"""

from audit.trail import AuditError, AuditTrail, audit_verdicts, canonical_bytes, record_hash
from audit.verify import BadRecord, VerifyResult, verify

__all__ = ["AuditTrail", "AuditError", "audit_verdicts", "canonical_bytes", "record_hash", "verify", "VerifyResult",
           "BadRecord"]
