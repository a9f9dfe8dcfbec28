"""Certification: banks, exams, attempts, certifications and awards, vouchers, transcripts."""

from certification.models.attempts import Attempt, AttemptAnswer  # noqa: F401
from certification.models.awards import (  # noqa: F401
    Award,
    Certification,
    Credential,
    CredentialStatus,
    Transcript,
)
from certification.models.badges import AcceptedAnswer, Badge, BadgeAward, Nomination  # noqa: F401
from certification.models.banks import QuestionBank  # noqa: F401
from certification.models.exams import Exam, ExamTopicQuota  # noqa: F401
from certification.models.vouchers import Voucher, VoucherBatch  # noqa: F401
