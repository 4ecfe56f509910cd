"""The console backend prints each message as a short summary, not its raw MIME."""

import io

from flask_mailman import EmailMultiAlternatives

from config import Config
from ecom.common.mail_console import EmailBackend


def test_the_console_shows_recipient_subject_text_and_links_in_a_few_lines():
    stream = io.StringIO()
    message = EmailMultiAlternatives(
        subject="Activate your account | ecom",
        body="Hello Ann,\n\nhttp://127.0.0.1:8000/activate/MQ/abc\n\n-- \necom",
        to=["ann@example.com"],
    )
    message.attach_alternative("<p>Hello</p>", "text/html")

    EmailBackend(stream=stream).send_messages([message])

    printed = stream.getvalue()
    assert "Mail to ann@example.com: Activate your account | ecom" in printed
    assert "Link: http://127.0.0.1:8000/activate/MQ/abc" in printed
    assert "Content-Type" not in printed and "<p>" not in printed
    assert len(printed.splitlines()) < 15


def test_the_embedded_default_prints_summaries():
    assert Config({}).MAIL_BACKEND == "ecom.common.mail_console.EmailBackend"
    assert Config({"EMAIL_BACKEND": "file"}).MAIL_BACKEND == "file"
