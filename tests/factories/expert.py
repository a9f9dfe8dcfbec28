"""Expert badges and accepted-answer events for tests; call inside a portal's schema
(``tenant.activate()``). Events go through ``certification.api``, as the community's will."""

import itertools

from django.utils.text import slugify

from certification.api import answer_accepted
from certification.models import Badge, Certification

_answer_ids = itertools.count(1000)


def make_expert_badge(
    *,
    name: str = "Cloud Expert",
    certification: Certification | None = None,
    tag: str = "",
    answers: int = 10,
    **fields,
) -> Badge:
    """An active Expert badge: hold ``certification`` and have ``answers`` accepted ``tag``."""
    fields.setdefault("slug", slugify(name))
    fields.setdefault("description", f"Holders of {name} help others.")
    return Badge.objects.create(
        kind=Badge.Kind.EXPERT,
        name=name,
        required_certification=certification,
        answer_tag=tag,
        min_accepted_answers=answers,
        **fields,
    )


def next_answer_id() -> int:
    """A community answer id no other test event used."""
    return next(_answer_ids)


def accept_answers(*, member, count: int, tags=("cloud",)) -> list:
    """``count`` new answers by ``member`` accepted, each tagged ``tags``; the badges earned."""
    earned = []
    for _ in range(count):
        earned += answer_accepted(answer_id=next_answer_id(), member=member, tags=list(tags))
    return earned
