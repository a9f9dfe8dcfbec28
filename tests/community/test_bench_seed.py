"""The bench seed: bulk questions that the lists and search see, one 50-answer question, and
topping up instead of duplicating."""

import re
from io import StringIO

from django.core.management import call_command

import pytest

from community.management.commands.seed_community_bench import FIFTY_TITLE, TITLE_PREFIX
from community.models import Answer, Comment, Question

pytestmark = pytest.mark.django_db


def test_the_bench_seed_adds_questions_in_bulk_and_tops_up(tenant_a, client_a):
    out = StringIO()
    schema = tenant_a.schema
    call_command("seed_community_bench", schema=schema, questions=120, batch=50, stdout=out)
    assert "120 bench questions added" in out.getvalue()
    call_command("seed_community_bench", schema=schema, questions=150, stdout=StringIO())
    with tenant_a.activate():
        assert Question.objects.filter(title__startswith=TITLE_PREFIX).count() == 150
        fifty = Question.objects.get(title=FIFTY_TITLE)
        assert Answer.objects.filter(question=fifty).count() == 50
        assert Comment.objects.filter(answer__question=fifty).count() == 100
        assert not Question.objects.filter(search_vector__isnull=True).exists()
    page = client_a.get(f"/community/questions/{fifty.pk}/")
    assert page.status_code == 200
    assert len(re.findall(rb'id="answer-\d+"', page.content)) == 50
    assert client_a.get("/community/search/?q=deploy").status_code == 200


def test_the_bench_seed_refuses_an_unknown_portal():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No portal"):
        call_command("seed_community_bench", schema="nowhere", questions=1, stdout=StringIO())
