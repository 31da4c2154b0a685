"""``std.email``: sends a message through an SMTP server, as Mistral's does."""

from email import header
from email.mime import multipart
from email.mime import text
import smtplib
from typing import Any

from wfplatform.actions import base
from wfplatform import exceptions

SMTP_TIMEOUT = 60.0
"""Seconds to connect to the SMTP server and for each of its answers."""


class SendEmailAction(base.Action):
    """Sends an email through ``smtp_server`` (``host`` or ``host:port``).

    With ``smtp_password`` the connection is upgraded with STARTTLS and logs in
    as ``from_addr``. ``html_body`` adds an HTML alternative to ``body``. The
    result is null; a refused message or an unreachable server fails the task.
    """

    def __init__(self, from_addr: str, to_addrs: Any, smtp_server: str,
                 reply_to: Any = None, cc_addrs: Any = None, bcc_addrs: Any = None,
                 smtp_password: str | None = None, subject: str | None = None,
                 body: str | None = None, html_body: str | None = None) -> None:
        self.sender = _address('from_addr', from_addr)
        self.to = _addresses('to_addrs', to_addrs)
        if not self.to:
            raise exceptions.InvalidInput('std.email: to_addrs must name at least '
                                          'one recipient')
        if not isinstance(smtp_server, str) or not smtp_server.strip():
            raise exceptions.InvalidInput(
                f'std.email: smtp_server must be "host" or "host:port", got '
                f'{smtp_server!r}')
        self.smtp_server = smtp_server.strip()
        self.reply_to = _addresses('reply_to', reply_to)
        self.cc = _addresses('cc_addrs', cc_addrs)
        self.bcc = _addresses('bcc_addrs', bcc_addrs)
        self.password = smtp_password
        self.subject = ' '.join(str(subject or '<No subject>').splitlines())
        self.body = body or '<No body>'
        self.html_body = html_body

    def run(self, context: base.ActionContext) -> None:
        message = self.message()
        try:
            with smtplib.SMTP(self.smtp_server, timeout=SMTP_TIMEOUT) as smtp:
                if self.password is not None:
                    smtp.ehlo()
                    smtp.starttls()
                    smtp.ehlo()
                    smtp.login(self.sender, self.password)
                smtp.sendmail(self.sender, self.to + self.cc + self.bcc,
                              message.as_string())
        except (smtplib.SMTPException, OSError) as error:
            raise exceptions.ActionError(
                f'std.email: failed to send an email message through '
                f'{self.smtp_server}: {error}') from None

    def message(self) -> multipart.MIMEMultipart | text.MIMEText:
        """The message as sent; Bcc recipients are not in its headers."""
        message: multipart.MIMEMultipart | text.MIMEText
        if self.html_body:
            message = multipart.MIMEMultipart('alternative')
            message.attach(text.MIMEText(self.body, 'plain', _charset='utf-8'))
            message.attach(text.MIMEText(self.html_body, 'html', _charset='utf-8'))
        else:
            message = text.MIMEText(self.body, _charset='utf-8')
        message['Subject'] = header.Header(self.subject, 'utf-8').encode()
        message['From'] = self.sender
        message['To'] = ', '.join(self.to)
        if self.cc:
            message['Cc'] = ', '.join(self.cc)
        if self.reply_to:
            message['Reply-To'] = ', '.join(self.reply_to)
        return message


def _address(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or '\n' in value \
            or '\r' in value:
        raise exceptions.InvalidInput(
            f'std.email: {name} must be an email address, got {value!r}')
    return value.strip()


def _addresses(name: str, value: Any) -> list[str]:
    """A list of addresses from a list, a single address, or null."""
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)):
        raise exceptions.InvalidInput(
            f'std.email: {name} must be an address or a list of addresses, got '
            f'{value!r}')
    return [_address(name, item) for item in value]
