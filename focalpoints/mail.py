"""Outgoing mail: SMTP when configured, else the log and instance/outbox/ (for laptops).

Every message carries what mail servers and clients check: a Message-ID in the sender's domain,
a Date, the one configured sender (MAIL_DEFAULT_SENDER), a plain-text part and an HTML one, and,
where the recipient can stop such messages, List-Unsubscribe with the page where they do.
An address the server refuses outright is announced (``address_refused``): the registry marks it
on the people who have it, for coordinators.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path

from blinker import Namespace
from flask import current_app, render_template
from flask_babel import force_locale

from focalpoints.db_types import utcnow

logger = logging.getLogger(__name__)

address_refused = Namespace().signal(
    "address-refused",
    doc="The mail server refused the address sent outright (``reason=`` says why); receivers "
    "record it, in a transaction of their own (mail is sent outside the request's).",
)


def send_template_mail(
    to: str, subject: str, template: str, language: str | None, **context: object
) -> EmailMessage:
    """Render ``mail/<template>.txt`` and ``.html`` in the recipient's language and send them.

    Call this after the database transaction has committed: mail is never sent from inside one.
    ``subject`` must be a lazy string so that it is translated in the recipient's language.
    """
    message = compose_template_mail(to, subject, template, language, **context)
    deliver(message)
    return message


def sender_address() -> str:
    """The bare address of MAIL_DEFAULT_SENDER ("focalpoints <no-reply@example.org>")."""
    return parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1]


def _sender_domain() -> str:
    domain = sender_address().rpartition("@")[2]
    return domain or "focalpoints.invalid"


def compose_template_mail(
    to: str,
    subject: object,
    template: str,
    language: str | None,
    unsubscribe: str | None = None,
    **context: object,
) -> EmailMessage:
    """Build the message that :func:`send_template_mail` sends, without sending it.

    ``unsubscribe`` is the address of the page where the recipient stops such messages.
    """
    language = language or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(language):
        message = EmailMessage()
        message["Subject"] = str(subject)
        message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
        message["To"] = to
        message["Date"] = format_datetime(utcnow())
        message["Message-ID"] = make_msgid(domain=_sender_domain())
        # Sent by the application, not a person: no vacation replies, please (RFC 3834).
        message["Auto-Submitted"] = "auto-generated"
        if unsubscribe:
            message["List-Unsubscribe"] = f"<{unsubscribe}>"
        message.set_content(render_template(f"mail/{template}.txt", **context))
        message.add_alternative(render_template(f"mail/{template}.html", **context), subtype="html")
        message["Content-Language"] = language  # after set_content, which drops Content-* headers
    return message


def deliver(message: EmailMessage) -> None:
    """Send ``message`` over SMTP, or write it to the outbox folder when no server is configured.

    When the server refuses the recipient's address (SMTPRecipientsRefused), the people with that
    address are marked before the error is raised again.
    """
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        outbox = Path(current_app.instance_path) / "outbox"
        outbox.mkdir(exist_ok=True)
        name = message["Message-ID"].strip("<>").replace("@", "_") + ".eml"
        (outbox / name).write_bytes(bytes(message))
        logger.info(
            "Mail to %s (%s) written to %s", message["To"], message["Subject"], outbox / name
        )
        return
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    try:
        with smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
            if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
                smtp.starttls(context=ssl.create_default_context())
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as error:
        _mark_refused(error)
        raise
    logger.info("Mail to %s (%s) sent", message["To"], message["Subject"])


def _reason(code: int, text: bytes | str) -> str:
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return f"{code} {text}".strip()[:300]


def _mark_refused(error: smtplib.SMTPRecipientsRefused) -> None:
    for address, (code, text) in error.recipients.items():
        logger.warning("The mail server refused %s: %s", address, _reason(code, text))
        try:
            address_refused.send(address, reason=_reason(code, text))
        except Exception:  # the delivery's own failure is what the caller must hear of
            logger.exception("Could not mark %s as refused", address)
