"""Members' stated interests (/accounts/interests/) and the recommendations they lead to on
"My learning": courses tied to their topics that they have not taken, unanswered questions in
their topics, a prompt when they chose nothing; bad input, races, tenant isolation and query
budgets (one query for all recommendations, whatever their number)."""

from datetime import timedelta
from http import HTTPStatus

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest

from community.interest_selectors import interests_of, recommendations_for
from community.interest_services import UNKNOWN_CHOICE, InterestError, interests_set
from community.models import MemberInterests, ProductArea, Question
from courses.services import enrollment_create, lesson_complete
from tests.concurrency import race
from tests.factories.community_votes import make_answer, make_question, make_tag
from tests.factories.courses import make_course

pytestmark = pytest.mark.django_db

URL = "/accounts/interests/"
DASHBOARD = "/learning/"
QUERY_BUDGET = 12


@pytest.fixture
def member(tenant_a, member_factory):
    return member_factory(tenant_a, display_name="Amara")


@pytest.fixture
def signed_in(client_a, tenant_a, member):
    with tenant_a.activate():
        client_a.force_login(member)
    return client_a


@pytest.fixture
def topics(tenant_a):
    with tenant_a.activate():
        return {
            "networking": make_tag(name="networking"),
            "billing": make_tag(name="billing"),
            "area": ProductArea.objects.create(name="Observability", slug="observability"),
            "other_area": ProductArea.objects.create(name="Storage", slug="storage", position=1),
        }


# The page ---------------------------------------------------------------------------------------


def test_the_page_lists_topics_and_products_as_checkboxes_in_fieldsets(
    signed_in, tenant_a, member, topics
):
    with tenant_a.activate():
        interests_set(member=member, tag_ids=[topics["networking"].pk], area_ids=[])
    text = signed_in.get(URL).text
    assert text.count("<fieldset>") == 2
    assert "<legend>Topics</legend>" in text and "<legend>Products</legend>" in text
    assert f'type="checkbox" name="tags" value="{topics["networking"].pk}"' in text
    assert f'value="{topics["networking"].pk}" id="id_tags_' in text
    networking = text.split(f'value="{topics["networking"].pk}"')[1].split(">")[0]
    billing = text.split(f'value="{topics["billing"].pk}"')[1].split(">")[0]
    assert "checked" in networking and "checked" not in billing
    assert "Observability" in text and "Storage" in text
    assert 'aria-current="page"' in text.split('href="/accounts/interests/"')[1][:30]


def test_saving_replaces_the_members_interests(signed_in, tenant_a, member, topics):
    response = signed_in.post(
        URL, {"tags": [topics["networking"].pk, topics["billing"].pk], "areas": [topics["area"].pk]}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == URL
    with tenant_a.activate():
        chosen = interests_of(member=member)
    assert chosen.tag_ids == {topics["networking"].pk, topics["billing"].pk}
    assert chosen.area_ids == {topics["area"].pk}

    signed_in.post(URL, {"areas": [topics["other_area"].pk]})
    with tenant_a.activate():
        chosen = interests_of(member=member)
        assert MemberInterests.objects.filter(member=member).count() == 1
    assert chosen.tag_ids == set() and chosen.area_ids == {topics["other_area"].pk}
    assert "Your interests have been saved." in signed_in.get(URL).text


@pytest.mark.parametrize("bad", ["999999", "abc", ""])
def test_unknown_choices_are_refused_with_a_message_and_change_nothing(
    signed_in, tenant_a, member, topics, bad
):
    with tenant_a.activate():
        interests_set(member=member, tag_ids=[topics["billing"].pk], area_ids=[])
    response = signed_in.post(URL, {"tags": [topics["networking"].pk, bad]})
    assert response.status_code == HTTPStatus.OK
    assert 'role="alert"' in response.text
    with tenant_a.activate():
        assert interests_of(member=member).tag_ids == {topics["billing"].pk}


def test_the_service_refuses_ids_that_are_not_this_portals(tenant_a, member, topics):
    with tenant_a.activate(), pytest.raises(InterestError, match=UNKNOWN_CHOICE):
        interests_set(member=member, tag_ids=[topics["billing"].pk, 10**9], area_ids=[])


def test_the_page_is_for_signed_in_members(client_a, tenant_a):
    response = client_a.get(URL)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/login/")


def test_the_export_holds_the_members_interests(signed_in, tenant_a, member, topics):
    with tenant_a.activate():
        interests_set(
            member=member, tag_ids=[topics["networking"].pk], area_ids=[topics["area"].pk]
        )
    data = signed_in.post("/accounts/export/").json()
    assert data["interests"]["topics"] == ["networking"]
    assert data["interests"]["products"] == ["Observability"]


# Recommendations ---------------------------------------------------------------------------


def test_without_interests_my_learning_asks_for_them(signed_in):
    text = signed_in.get(DASHBOARD).text
    assert "Recommended for you" in text
    assert "Choose your interests" in text and f'href="{URL}"' in text


def _tie(tag, course):
    tag.course = course
    tag.save(update_fields=["course"])


def test_courses_tied_to_their_topics_that_they_have_not_taken_are_recommended(
    signed_in, tenant_a, member, topics
):
    with tenant_a.activate():
        tied = make_course(title="Production networking", lessons=1)
        _tie(topics["networking"], tied)
        by_topic = make_course(title="Tracing in depth", lessons=1)
        by_topic.tags.add("observability")
        by_topic.save()
        enrolled = make_course(title="Networking basics", lessons=1)
        enrolled.tags.add("networking")
        enrolled.save()
        enrollment_create(member=member, course=enrolled)
        done = make_course(title="Network security", lessons=1)
        done.tags.add("networking")
        done.save()
        enrollment_create(member=member, course=done)
        lesson_complete(member=member, lesson=done.get_children().specific().first())
        unrelated = make_course(title="Invoices explained", lessons=1)
        _tie(topics["billing"], unrelated)
        draft = make_course(title="Networking draft", lessons=0)
        draft.tags.add("networking")
        draft.save()
        draft.unpublish()
        interests_set(
            member=member, tag_ids=[topics["networking"].pk], area_ids=[topics["area"].pk]
        )
        titles = {course.title for course in recommendations_for(member=member).courses}
        tied_url = tied.get_url()
    assert titles == {"Production networking", "Tracing in depth"}

    text = signed_in.get(DASHBOARD).text
    section = text.split("Recommended for you")[1]
    assert "Production networking" in section and "Tracing in depth" in section
    assert "Invoices explained" not in section and "Networking draft" not in section
    assert "Networking basics" not in section  # listed above as enrolled, not recommended
    assert f'href="{tied_url}"' in section


def test_unanswered_open_visible_questions_in_their_topics_are_recommended_newest_first(
    signed_in, tenant_a, member, member_factory, topics
):
    asker = member_factory(tenant_a, display_name="Asker")
    now = timezone.now()
    with tenant_a.activate():

        def ask(title, tags=("networking",), days=0, **fields):
            return make_question(
                author=fields.pop("author", asker),
                title=title,
                tags=tags,
                created_at=now - timedelta(days=days),
                **fields,
            )

        ask("Older open question", days=3)
        ask("Newest open question", days=1)
        ask("Question in the product area", tags=("observability",), days=2)
        answered = ask("Answered already", days=1)
        make_answer(question=answered, author=member_factory(tenant_a))
        ask("Closed one", closed_at=now)
        ask("Hidden one", hidden_at=now)
        ask("Their own question", author=member)
        ask("About billing", tags=("billing",))
        interests_set(
            member=member, tag_ids=[topics["networking"].pk], area_ids=[topics["area"].pk]
        )
        found = recommendations_for(member=member).questions
    assert [question.title for question in found] == [
        "Newest open question",
        "Question in the product area",
        "Older open question",
    ]
    assert found[1].tags == ["observability"]

    text = signed_in.get(DASHBOARD).text.split("Recommended for you")[1]
    assert "Can you help?" in text
    with tenant_a.activate():
        newest = Question.objects.get(title="Newest open question")
    assert f'href="/community/questions/{newest.pk}/#your-answer"' in text
    assert "Answered already" not in text and "About billing" not in text


def test_with_interests_but_nothing_to_suggest_it_says_so(signed_in, tenant_a, member, topics):
    with tenant_a.activate():
        interests_set(member=member, tag_ids=[topics["billing"].pk], area_ids=[])
    text = signed_in.get(DASHBOARD).text
    assert "Nothing new for your interests right now" in text
    assert "Change your interests" in text


def test_recommendations_cost_one_query_whatever_their_number(
    signed_in, tenant_a, member, member_factory, topics, django_assert_max_num_queries
):
    asker = member_factory(tenant_a)
    signed_in.get(DASHBOARD)  # warm the per-portal caches
    baseline = _queries(signed_in, DASHBOARD)  # no interests: the prompt
    counts = []
    for size in (1, 6):
        with tenant_a.activate():
            for number in range(Question.objects.count(), size):
                make_question(author=asker, title=f"Open question {number}", tags=["networking"])
                course = make_course(title=f"Networking course {number}", lessons=1)
                course.tags.add("networking")
                course.save()
            interests_set(member=member, tag_ids=[topics["networking"].pk], area_ids=[])
        signed_in.get(DASHBOARD)  # warm the per-portal caches
        with django_assert_max_num_queries(QUERY_BUDGET):
            counts.append(_queries(signed_in, DASHBOARD))
        text = signed_in.get(DASHBOARD).text
        assert text.count('class="recommendations__item"') == min(size, 4) + min(size, 5)
    assert counts[0] == counts[1] == baseline
    print(f"My learning with recommendations: {counts[0]} queries")


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == HTTPStatus.OK, path
    return len(queries)


def test_the_interests_page_stays_within_budget_whatever_the_number_of_topics(
    signed_in, tenant_a, django_assert_max_num_queries
):
    counts = []
    for size in (2, 30):
        with tenant_a.activate():
            for number in range(size):
                make_tag(name=f"topic{number}")
                ProductArea.objects.get_or_create(name=f"Area {number}", slug=f"area-{number}")
        signed_in.get(URL)  # warm the per-portal caches
        with django_assert_max_num_queries(QUERY_BUDGET):
            counts.append(_queries(signed_in, URL))
    assert counts[0] == counts[1]
    print(f"interests page: {counts[0]} queries")


# Tenant isolation ------------------------------------------------------------------------------


def test_portal_bs_page_and_recommendations_know_nothing_of_portal_a(
    client_b, tenant_a, tenant_b, member, member_factory, topics
):
    with tenant_a.activate():
        make_question(author=member, title="A question on portal A", tags=["networking"])
    member_b = member_factory(tenant_b)
    with tenant_b.activate():
        mine = make_tag(name="networking")
        client_b.force_login(member_b)
    text = client_b.get(URL).text
    assert "billing" not in text and "Observability" not in text
    response = client_b.post(URL, {"tags": [topics["billing"].pk]})
    if topics["billing"].pk != mine.pk:
        assert response.status_code == HTTPStatus.OK and 'role="alert"' in response.text
    client_b.post(URL, {"tags": [mine.pk]})
    assert "A question on portal A" not in client_b.get(DASHBOARD).text
    with tenant_b.activate():
        assert interests_of(member=member_b).tag_ids == {mine.pk}


# Races ------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_saves_at_once_leave_one_of_them_whole(fresh_tenant):
    from tests.factories.accounts import make_member

    tenant = fresh_tenant()
    with tenant.activate():
        member = make_member(email="member@example.com")
        tags = [make_tag(name=f"t{number}") for number in range(6)]
        first, second = [tag.pk for tag in tags[:3]], [tag.pk for tag in tags[3:]]
    errors = race(
        tenant,
        [
            lambda ids=ids: interests_set(member=member, tag_ids=ids, area_ids=[])
            for ids in (first, second)
        ],
    )
    assert errors == []
    with tenant.activate():
        assert MemberInterests.objects.filter(member=member).count() == 1
        assert interests_of(member=member).tag_ids in (set(first), set(second))
