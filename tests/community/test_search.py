"""Full-text search over questions and answers, and the similar questions offered while a title
is typed: ranking, stemming, filters, hostile input, escaped headlines, isolation, budgets."""

from __future__ import annotations

import re
from http import HTTPStatus

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from community import search_selectors
from community.search_selectors import EMPTY_QUERY, highlight, search, similar_questions
from tests.factories.community_lists import make_answer, make_question, make_tag

pytestmark = pytest.mark.django_db

QUERY_BUDGET = 12


@pytest.fixture
def asker(tenant_a, member_factory):
    return member_factory(tenant_a, display_name="Ada Asker")


def _titles(html: str) -> list[str]:
    """Result titles in order, without the <mark> of matched words."""
    found = re.findall(r'id="question-\d+-title">\s*<a href="[^"]+">(.*?)</a>', html, re.S)
    return [re.sub(r"</?mark>", "", title) for title in found]


def _search(client, query: str) -> str:
    response = client.get(f"/community/search/?{query}")
    assert response.status_code == HTTPStatus.OK, query
    return response.content.decode()


def test_a_title_match_ranks_above_a_body_match(client_a, tenant_a, asker):
    with tenant_a.activate():
        make_question(
            author=asker,
            title="Proxy settings for the installer",
            body="Where do I set the firewall rules before installing?",
        )
        make_question(
            author=asker,
            title="Firewall blocks the agent",
            body="The agent cannot reach the server.",
        )
    html = _search(client_a, "q=firewall")
    assert _titles(html) == ["Firewall blocks the agent", "Proxy settings for the installer"]
    assert "2 results for “firewall”" in html
    assert "<mark>Firewall</mark> blocks the agent" in html


def test_a_question_is_found_by_a_word_only_in_one_of_its_answers(client_a, tenant_a, asker):
    with tenant_a.activate():
        question = make_question(
            author=asker, title="Agent will not start", body="It exits at once."
        )
        make_answer(question=question, author=asker, body="Raise the ulimit for open files.")
        hidden = make_question(author=asker, title="Other", body="Nothing here.")
        make_answer(
            question=hidden, author=asker, body="Ulimit too.", hidden_at=question.created_at
        )
    html = _search(client_a, "q=ulimit")
    assert _titles(html) == ["Agent will not start"]
    assert "From an answer:" in html and "<mark>ulimit</mark>" in html


def test_stemming_finds_other_forms_of_a_word(client_a, tenant_a, asker):
    with tenant_a.activate():
        make_question(author=asker, title="How to deploy to staging", body="Steps please.")
    assert _titles(_search(client_a, "q=deploying")) == ["How to deploy to staging"]
    assert _titles(_search(client_a, "q=deployments")) == ["How to deploy to staging"]


def test_tag_and_answered_filters(client_a, tenant_a, asker):
    with tenant_a.activate():
        cloud = make_tag(name="Cloud")
        billing = make_tag(name="Billing")
        answered = make_question(author=asker, title="Quota on cloud", tags=[cloud])
        make_answer(question=answered, author=asker)
        make_question(author=asker, title="Quota on invoices", tags=[billing])
        accepted = make_question(author=asker, title="Quota accepted", tags=[cloud])
        answer = make_answer(question=accepted, author=asker)
        type(accepted).objects.filter(pk=accepted.pk).update(accepted_answer=answer)
    assert set(_titles(_search(client_a, "q=quota&tag=cloud"))) == {
        "Quota on cloud",
        "Quota accepted",
    }
    assert _titles(_search(client_a, "q=quota&answered=no")) == ["Quota on invoices"]
    assert set(_titles(_search(client_a, "q=quota&answered=yes"))) == {
        "Quota on cloud",
        "Quota accepted",
    }
    assert _titles(_search(client_a, "q=quota&answered=accepted")) == ["Quota accepted"]
    assert len(_titles(_search(client_a, "q=quota&answered=bogus&tag="))) == 3
    html = _search(client_a, "q=quota&tag=no-such-tag")
    assert "Nothing matches with these filters" in html


def test_an_empty_query_explains_what_to_type_and_runs_no_search(client_a):
    html = _search(client_a, "q=+++")
    assert EMPTY_QUERY in html
    assert "results for" not in html
    assert '<a href="/community/search/" aria-current="page">Search</a>' in html


@pytest.mark.parametrize(
    "query",
    [
        '"unclosed phrase',
        "a & b | !c",
        "(((",
        "'; DROP TABLE community_question; --",
        "deploy:* <-> agent",
        "-",
        "or or or",
        "the",
        "%00nul",
        "x" * 5000,
        "\\",
        "ünïcödé 日本語",
    ],
)
def test_hostile_or_odd_queries_never_fail(client_a, tenant_a, asker, query):
    with tenant_a.activate():
        make_question(author=asker, title="Deploy the agent", body="Steps.")
    response = client_a.get("/community/search/", {"q": query, "page": "x"})
    assert response.status_code == HTTPStatus.OK


def test_a_nul_byte_in_the_query_is_dropped(client_a, tenant_a, asker):
    with tenant_a.activate():
        make_question(author=asker, title="Deploy the agent", body="Steps.")
    response = client_a.get("/community/search/?q=dep%00loy")
    assert response.status_code == HTTPStatus.OK


def test_headlines_of_hostile_bodies_are_escaped(client_a, tenant_a, asker):
    with tenant_a.activate():
        make_question(
            author=asker,
            title="<img src=x onerror=alert(1)> crash",
            body="The crash shows <script>alert('x')</script> and <b>bold</b> \ue000tricky\ue001.",
        )
    html = _search(client_a, "q=crash")
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>bold" not in html
    # The headline parser drops tags from bodies; titles with tag-like text are shown whole.
    assert "shows  alert(&#x27;x&#x27;)  and  bold" in html
    assert "&lt;img src=x onerror=alert(1)&gt; crash</a>" in html


def test_highlight_escapes_first_and_only_then_marks():
    assert (
        highlight("a <b>\ue000x\ue001</b> & \ue001") == "a &lt;b&gt;<mark>x</mark>&lt;/b&gt; &amp; "
    )
    assert highlight(None) == ""


def test_search_results_are_paginated(client_a, tenant_a, asker):
    with tenant_a.activate():
        for number in range(23):
            make_question(author=asker, title=f"Latency issue {number}")
    first = _search(client_a, "q=latency")
    assert len(_titles(first)) == 20
    assert 'href="?q=latency&amp;page=2" rel="next"' in first
    assert len(_titles(_search(client_a, "q=latency&page=2"))) == 3


def test_past_the_cap_the_newest_matches_are_ranked_and_the_page_says_so(
    client_a, tenant_a, asker, monkeypatch
):
    monkeypatch.setattr(search_selectors, "SEARCH_CAP", 4)
    with tenant_a.activate():
        # The oldest two match best (the word in the title) but fall outside the newest four.
        for number in range(2):
            make_question(author=asker, title=f"Firewall rule {number}", body="Firewall.")
        for number in range(3):
            make_question(author=asker, title=f"Ports {number}", body="Open the firewall port.")
        answered = make_question(author=asker, title="Ports again", body="Nothing here.")
        make_answer(question=answered, author=asker, body="Check the firewall.")
    html = _search(client_a, "q=firewall")
    assert sorted(_titles(html)) == ["Ports 0", "Ports 1", "Ports 2", "Ports again"]
    assert "More than 4 questions match: these are the best of the newest 4." in html
    few = _search(client_a, "q=firewall+rule")
    assert sorted(_titles(few)) == ["Firewall rule 0", "Firewall rule 1"]
    assert "More than" not in few


def test_the_tag_filter_lists_a_new_or_renamed_tag_at_once(client_a, client_b, tenant_a):
    with tenant_a.activate():
        make_tag(name="Billing")
    assert 'value="billing"' in _search(client_a, "q=x")  # now cached
    with tenant_a.activate():
        renamed = make_tag(name="Storage")
        renamed.name = "Object storage"
        renamed.save()
    html = _search(client_a, "q=x")
    assert ">Object storage<" in html and 'value="billing"' in html
    assert 'value="billing"' not in _search(client_b, "q=x")  # each portal its own cache


def test_another_portal_finds_nothing_of_this_one(client_a, client_b, tenant_a, asker):
    with tenant_a.activate():
        question = make_question(author=asker, title="Alpha kubernetes secret")
        make_answer(question=question, author=asker, body="Alpha answer zebra.")
    assert _titles(_search(client_a, "q=kubernetes")) == ["Alpha kubernetes secret"]
    for query in ["q=kubernetes", "q=zebra"]:
        html = _search(client_b, query)
        assert _titles(html) == [] and "Alpha" not in html
    similar = client_b.get("/community/similar/?title=Alpha kubernetes secret&fragment=1")
    assert "Alpha kubernetes secret" not in similar.content.decode()


def test_search_selector_counts_and_ranks(tenant_a, asker):
    with tenant_a.activate():
        make_question(author=asker, title="Backup schedule", body="Nightly backup fails.")
        assert search(q="", page=1).results is None
        found = search(q="backup", page=1)
        assert found.results.total == 1
        assert found.results.rows[0].title_html == "<mark>Backup</mark> schedule"


def test_similar_questions_suggest_open_visible_questions_by_title(client_a, tenant_a, asker):
    with tenant_a.activate():
        best = make_question(author=asker, title="Agent crashes after upgrade to version 5")
        make_answer(question=best, author=asker)
        make_question(author=asker, title="Upgrade guide for the agent")
        make_question(author=asker, title="Agent crashes on upgrade", closed_at=best.created_at)
        make_question(author=asker, title="Agent crash hidden", hidden_at=best.created_at)
        for number in range(6):
            make_question(author=asker, title=f"Agent topic {number}")
        found = similar_questions(title="agent crashes after the upgrade")
    assert len(found) == 5
    assert found[0].pk == best.pk and found[0].answer_count == 1
    titles = [question.title for question in found]
    assert "Agent crashes on upgrade" not in titles and "Agent crash hidden" not in titles
    fragment = client_a.get(
        "/community/similar/", {"title": "agent crashes after the upgrade", "fragment": "1"}
    )
    html = fragment.content.decode()
    assert fragment.status_code == HTTPStatus.OK
    assert "<html" not in html and "Similar questions" in html
    assert f'href="/community/questions/{best.pk}/"' in html and "1 answer" in html
    fetched = client_a.get(
        "/community/similar/",
        {"title": "agent crashes after the upgrade"},
        HTTP_SEC_FETCH_DEST="empty",  # what browsers send with post.js's fetch()
    )
    assert "<html" not in fetched.content.decode() and "1 answer" in fetched.content.decode()
    page = client_a.get("/community/similar/", {"title": "agent crashes after the upgrade"})
    assert "<h1>Has it been asked before?</h1>" in page.content.decode()


@pytest.mark.parametrize("title", ["", "agent", "the agent is", "a b c d e", "Agent crash"])
def test_similar_needs_three_meaningful_words_and_ten_characters(tenant_a, asker, title):
    with tenant_a.activate():
        make_question(author=asker, title="Agent crash report")
        assert similar_questions(title=title) == []


def _count(client, path: str, assert_max) -> int:
    """Queries of one request to ``path``, after a first one warmed the per-portal caches."""
    client.get(path)
    with assert_max(QUERY_BUDGET), CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == HTTPStatus.OK, path
    return len(queries)


@pytest.mark.parametrize(
    "path",
    [
        "/community/search/?q=agent",
        "/community/search/?q=agent&tag=cloud&answered=no",
        "/community/search/?q=restart",
        "/community/similar/?title=agent+crashes+after+upgrade&fragment=1",
        "/community/similar/?title=agent+crashes+after+upgrade",
    ],
)
@pytest.mark.parametrize("signed_in", [False, True])
def test_search_costs_the_same_for_3_or_30_questions(
    client_a, tenant_a, asker, django_assert_max_num_queries, path, signed_in
):
    with tenant_a.activate():
        tag = make_tag(name="Cloud")
        if signed_in:
            client_a.force_login(asker)
    counts = []
    for total in (3, 30):
        with tenant_a.activate():
            while type(tag).objects.get(pk=tag.pk).questions.count() < total:
                question = make_question(
                    author=asker, title="Agent crashes after upgrade", tags=[tag]
                )
                make_answer(question=question, author=asker, body="Restart the agent.")
        counts.append(_count(client_a, path, django_assert_max_num_queries))
    assert counts[0] == counts[1], counts
    print(f"{path} signed_in={signed_in}: {counts[0]} queries")
