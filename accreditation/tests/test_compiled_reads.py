"""The reads every signed-in request makes, compiled to SQL once (issue 20): the session, the
second-factor device and the compiled-query rules. Each must answer exactly as the ORM did."""

import datetime

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from accreditation.compiled import CompiledQuery
from accreditation.models import User
from accreditation.sessions import SessionStore
from accreditation.tests.factories import AdminFactory, UserFactory
from accreditation.tests.helpers import authenticator_for, login
from conftest import missing_service

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2027, 3, 14, 12, tzinfo=datetime.UTC)


def test_a_session_is_read_back_until_it_expires_and_not_a_second_after():
    with time_machine.travel(NOON, tick=False):
        store = SessionStore()
        store["answer"] = 42
        store.set_expiry(60)
        store.save()
        key = store.session_key
        loaded = SessionStore(session_key=key)
        assert loaded["answer"] == 42
        assert Session.objects.get(session_key=key).expire_date == NOON + datetime.timedelta(seconds=60)
    with time_machine.travel(NOON + datetime.timedelta(seconds=59), tick=False):
        assert SessionStore(session_key=key).get("answer") == 42
    with time_machine.travel(NOON + datetime.timedelta(seconds=61), tick=False):
        expired = SessionStore(session_key=key)
        assert expired.get("answer") is None
        assert expired.session_key is None  # as Django's own: a new key is made if it saves


def test_an_unknown_session_key_is_an_empty_session():
    assert SessionStore(session_key="x" * 32).load() == {}
    assert SessionStore(session_key=None).load() == {}


def test_a_deactivated_person_loses_every_session(client):
    from accreditation import services

    user = UserFactory()
    login(client, user)
    assert client.get(reverse("accounts:security")).status_code == 200
    services.user_deactivate(user=user, actor=AdminFactory(), reason="left the school")
    response = client.get(reverse("accounts:security"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize(
    "persistent_id",
    [
        "otp_totp.totpdevice/not-a-number",
        "otp_totp.totpdevice/999999999",
        "otp_totp.totpdevice/99999999999999999999999",
        "otp_totp.totpdevice/-4",
        "nonexistent.model/1",
        "accreditation.user/1",  # a model, but not a device
        "no-slash-at-all",
    ],
)
def test_a_session_naming_no_device_of_the_person_is_not_verified(client, persistent_id):
    admin = AdminFactory()
    login(client, admin)
    assert client.get(reverse("home")).status_code == 200  # verified with the real device
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = persistent_id
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and "two-factor" in response["Location"]


def test_another_persons_device_does_not_verify(client):
    admin, other = AdminFactory(), AdminFactory()
    login(client, admin)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = authenticator_for(other).persistent_id
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and "two-factor" in response["Location"]


def test_a_compiled_query_runs_with_each_new_value():
    first, second = UserFactory(email="first@school.example"), UserFactory(email="second@school.example")
    by_id = CompiledQuery(lambda pk: User.objects.filter(pk=pk).values_list("email", "date_joined"))
    assert by_id.rows(first.pk)[0][0] == "first@school.example"
    assert by_id.rows(second.pk)[0][0] == "second@school.example"
    assert by_id.rows(second.pk + 1000) == []
    # Columns come back converted as the ORM's would (an aware datetime on every database).
    joined = by_id.rows(first.pk)[0][1]
    assert joined == User.objects.get(pk=first.pk).date_joined and timezone.is_aware(joined)


def test_a_compiled_query_must_use_its_value_once():
    unused = CompiledQuery(lambda pk: User.objects.values_list("email"))
    with pytest.raises(ValueError, match="exactly once"):
        unused.rows(1)
    twice = CompiledQuery(lambda pk: User.objects.filter(pk=pk).exclude(pk=pk).values_list("email"))
    with pytest.raises(ValueError, match="exactly once"):
        twice.rows(1)


def _times_prepared(query) -> int:
    """How many prepared statements this connection holds for `query`'s SQL (PostgreSQL)."""
    from django.db import connection

    sql = query._statements[connection.vendor][0].replace("%s", "$1")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement = %s", [sql])
        return cursor.fetchone()[0]


def _on_postgresql():
    from django.db import connection

    if connection.vendor != "postgresql":
        missing_service("prepared statements need the test database on PostgreSQL (set DATABASE_URL)")


def test_on_postgresql_each_read_is_prepared_once_per_connection_and_answers_as_before():
    _on_postgresql()
    person = UserFactory(email="prepared@school.example", last_name="O'Neill")
    # A shape no other test compiles, so this connection has not prepared it yet.
    query = CompiledQuery(lambda pk: User.objects.filter(pk=pk).values_list("email", "last_name", "date_joined"))
    first = query.rows(person.pk)
    assert _times_prepared(query) == 1
    assert query.rows(person.pk) == first and query.rows(person.pk + 1000) == []
    assert _times_prepared(query) == 1  # prepared once, then run by name
    email, last_name, joined = first[0]
    assert (email, last_name) == ("prepared@school.example", "O'Neill")
    assert joined == User.objects.get(pk=person.pk).date_joined and timezone.is_aware(joined)


def test_with_prepared_reads_off_nothing_is_prepared(settings):
    """PREPARED_READS=false, for a pooler that cannot keep prepared statements."""
    _on_postgresql()
    settings.PREPARED_READS = False
    person = UserFactory(email="unprepared@school.example")
    query = CompiledQuery(lambda pk: User.objects.filter(pk=pk).values_list("email", "first_name", "date_joined"))
    assert query.rows(person.pk)[0][0] == "unprepared@school.example"
    assert _times_prepared(query) == 0


def test_a_prepared_read_is_still_in_the_query_log(django_assert_num_queries):
    """Django's query log (DEBUG, CaptureQueriesContext, the tests' query counts) sees prepared
    reads with their statement, as it sees every other query."""
    person = UserFactory()
    query = CompiledQuery(lambda pk: User.objects.filter(pk=pk).values_list("email", "is_active"))
    query.rows(person.pk)
    with django_assert_num_queries(1) as captured:
        query.rows(person.pk)  # prepared by now on PostgreSQL
    assert '"accreditation_user"."is_active"' in captured.captured_queries[0]["sql"]


def _drop(pid):
    """What a database restart does to a connection: its server process ends (waiting up to 5 s)."""
    import psycopg
    from django.db import connection

    settings_dict = connection.settings_dict
    with psycopg.connect(
        dbname=settings_dict["NAME"],
        user=settings_dict["USER"] or None,
        password=settings_dict["PASSWORD"] or None,
        host=settings_dict["HOST"] or None,
        port=settings_dict["PORT"] or None,
        autocommit=True,
    ) as other:
        assert other.execute("SELECT pg_terminate_backend(%s, 5000)", [pid]).fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_a_request_after_the_database_dropped_the_connection_is_answered(client):
    """The request's first read stands in for Django's health check (CONN_HEALTH_CHECKS): a kept
    connection the database dropped is replaced and the read sent again, so no request fails."""
    from django.db import close_old_connections, connection

    _on_postgresql()
    login(client, UserFactory(first_name="Rowan"))
    assert client.get(reverse("home")).status_code == 200
    dropped = connection.connection.info.backend_pid
    _drop(dropped)
    close_old_connections()  # as each request starts: the connection is kept, its health unknown
    response = client.get(reverse("home"))
    assert response.status_code == 200 and "Sign out" in response.content.decode()
    assert connection.connection.info.backend_pid != dropped


@pytest.mark.django_db(transaction=True)
def test_a_first_read_that_fails_on_a_healthy_connection_is_raised_and_not_sent_again():
    from django.db import ProgrammingError, close_old_connections, connection

    from accreditation.compiled import read_rows

    _on_postgresql()
    connection.ensure_connection()
    kept = connection.connection.info.backend_pid
    close_old_connections()
    with pytest.raises(ProgrammingError):
        read_rows(connection, "SELECT id FROM no_such_table WHERE id = %s", [1])
    assert connection.connection.info.backend_pid == kept
    assert read_rows(connection, "SELECT %s::int + 1", [41]) == [(42,)]
