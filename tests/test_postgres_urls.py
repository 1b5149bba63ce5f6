"""What the warehouse may show of a PostgreSQL URL: never a password, wherever libpq lets the URL carry one."""

from engines.postgres import redacted, without_password

URL = "postgresql://cadre_warehouse:p%40ss:w0rd@db.internal:5432/cadre?sslmode=require&password=s3cret"


def test_a_password_before_the_at_sign_is_masked():
    assert redacted("postgresql://cadre_warehouse:s3cret@db.internal/cadre") == \
        "postgresql://cadre_warehouse:***@db.internal/cadre"


def test_a_password_given_as_a_parameter_of_the_url_is_masked():
    assert redacted(URL) == "postgresql://cadre_warehouse:***@db.internal:5432/cadre?sslmode=require&password=***"


def test_a_url_without_a_password_is_shown_as_it_is():
    assert redacted("postgresql://cadre_warehouse@db.internal/cadre?sslmode=require") == \
        "postgresql://cadre_warehouse@db.internal/cadre?sslmode=require"


def test_a_message_repeating_either_password_shows_neither():
    message = without_password(f"cannot connect to {URL}: user with p@ss:w0rd or s3cret refused", URL)
    assert "s3cret" not in message and "p@ss" not in message and "w0rd" not in message
    assert "db.internal:5432/cadre" in message
