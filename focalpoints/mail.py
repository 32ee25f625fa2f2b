"""Outgoing mail: SMTP when configured, else the log and instance/outbox/ (for laptops)."""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale

logger = logging.getLogger(__name__)


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


def compose_template_mail(
    to: str, subject: object, template: str, language: str | None, **context: object
) -> EmailMessage:
    """Build the message that :func:`send_template_mail` sends, without sending it."""
    language = language or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(language):
        message = EmailMessage()
        message["Subject"] = str(subject)
        message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
        message["To"] = to
        message["Message-ID"] = make_msgid(domain="focalpoints")
        message.set_content(render_template(f"mail/{template}.txt", **context))
        message.add_alternative(render_template(f"mail/{template}.html", **context), subtype="html")
        message["Content-Language"] = language  # after set_content, which drops Content-* headers
    return message


def deliver(message: EmailMessage) -> None:
    """Send ``message`` over SMTP, or write it to the outbox folder when no server is configured."""
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
    with smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
        if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
            smtp.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)
    logger.info("Mail to %s (%s) sent", message["To"], message["Subject"])
