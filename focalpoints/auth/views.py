"""Log-in and log-out, invitations, password reset and the user's own account."""

from __future__ import annotations

import math
from datetime import timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import format_timedelta
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from focalpoints.auth import operations, tokens
from focalpoints.auth.forms import (
    AccountForm,
    ChangePasswordForm,
    ForgotPasswordForm,
    LanguageForm,
    LoginForm,
    NewPasswordForm,
)
from focalpoints.auth.loading import SECOND_FACTOR_KEY
from focalpoints.auth.login_limits import login_failed, login_limit
from focalpoints.auth.passwords import verify_password
from focalpoints.calendar_feeds.forms import CalendarLinkForm
from focalpoints.calendar_feeds.operations import active_link
from focalpoints.database import end_if_unwritten
from focalpoints.extensions import db, limiter
from focalpoints.forms import language_choices
from focalpoints.i18n import SESSION_KEY, available_languages
from focalpoints.notifications.forms import preferences_form
from focalpoints.notifications.queries import current_preferences
from focalpoints.two_factor.views import account_section, continue_log_in
from focalpoints.urls import home_url, safe_next_url

bp = Blueprint("auth", __name__)


def _reset_limit() -> str:
    return current_app.config["PASSWORD_RESET_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"], deduct_when=login_failed)
def login() -> str | Response | tuple[str, int, dict[str, str]]:
    """Show the log-in form and log the user in."""
    if current_user.is_authenticated:
        return redirect(home_url(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        result = operations.authenticate(form.email.data, form.password.data, get_remote_address())
        if result.outcome is operations.LoginOutcome.OK and result.user is not None:
            response = continue_log_in(result.user, safe_next_url(request.args.get("next")))
            db.session.commit()
            return response
        db.session.commit()  # the failure counts, though the request fails
        g.login_failed = result.outcome in (
            operations.LoginOutcome.INVALID,
            operations.LoginOutcome.THROTTLED,
        )
        if result.outcome is operations.LoginOutcome.THROTTLED and result.retry_after:
            wait = max(result.retry_after, timedelta(seconds=1))
            flash(
                _(
                    "Too many failed log-ins. Try again in %(wait)s.",
                    wait=format_timedelta(wait, threshold=1, add_direction=False),
                ),
                "danger",
            )
            retry = {"Retry-After": str(math.ceil(wait.total_seconds()))}
            return render_template("auth/login.html", form=form), 429, retry
        if result.outcome is operations.LoginOutcome.INACTIVE:
            form.email.errors.append(_("This account has been deactivated."))
        else:
            form.password.errors.append(_("The e-mail address or the password is wrong."))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout() -> Response:
    """Log the current user out (a POST, so that no link can do it), or give up a log-in
    between its two steps."""
    if current_user.is_authenticated:
        operations.end_session(current_user._get_current_object())
        db.session.commit()
        flash(_("You have logged out."), "info")
    else:
        session.clear()
    return redirect(url_for("auth.login"))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str) -> str | Response:
    """Let an invited user set their password, then log them in."""
    user = tokens.load_token(token, tokens.INVITATION)
    if user is None:
        return render_template("auth/link_invalid.html"), 400  # type: ignore[return-value]
    form = NewPasswordForm()
    form.account = user
    if form.validate_on_submit():
        operations.set_password(user, form.password.data)
        response = continue_log_in(user, None)  # a fresh session: the message goes after
        db.session.commit()  # the password with the log-in, or neither
        flash(_("Welcome to focalpoints. Your password is set."), "success")
        return response
    return render_template("auth/set_password.html", form=form, user=user, invitation=True)


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
def forgot_password() -> str | Response:
    """Send a password reset link to an address, without telling whether it has an account."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        operations.send_password_reset(form.email.data)
        flash(
            _("If this address has an account, a link to reset the password is on its way."),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> str | Response:
    """Set a new password from a reset link."""
    user = tokens.load_token(token, tokens.PASSWORD_RESET)
    if user is None:
        return render_template("auth/link_invalid.html"), 400  # type: ignore[return-value]
    form = NewPasswordForm()
    form.account = user
    if form.validate_on_submit():
        operations.set_password(user, form.password.data)
        db.session.commit()
        flash(_("Your password has been changed. Log in with the new one."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/set_password.html", form=form, user=user, invitation=False)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account() -> str | Response:
    """Let users change their own name and language."""
    form = AccountForm(obj=current_user)
    form.language.choices = _account_language_choices()
    if not form.is_submitted() and not current_user.language_chosen:
        form.language.data = BROWSER_LANGUAGE
    if form.validate_on_submit():
        current_user.name = form.name.data or ""
        chosen = form.language.data != BROWSER_LANGUAGE
        if chosen:
            current_user.language = form.language.data
        # The browser's language: the saved one still serves for e-mails.
        current_user.language_chosen = chosen
        db.session.commit()
        flash(_("Your account has been saved."), "success")
        return redirect(url_for("auth.account"))
    return render_account(form=form)


#: The account form's choice that leaves pages in the browser's language (a value, so that an
#: empty submission is refused rather than read as this choice).
BROWSER_LANGUAGE = "browser"


def _account_language_choices() -> list[SelectChoice]:
    """The shipped languages, after "the browser's", which leaves pages in the browser's."""
    return [
        SelectChoice(BROWSER_LANGUAGE, _("The browser's language")),
        *language_choices(available_languages()),
    ]


def render_account(form: AccountForm | None = None, notices_form: object = None) -> str:
    """The account page with its forms: name and language, the choice of notices, and the
    calendar link."""

    if form is None:
        form = AccountForm(formdata=None, obj=current_user)
        form.language.choices = _account_language_choices()
        if not current_user.language_chosen:
            form.language.data = BROWSER_LANGUAGE
    if notices_form is None:
        notices_form = preferences_form(
            current_user, current_preferences(current_user), formdata=None
        )
    return render_template(
        "auth/account.html",
        form=form,
        notices_form=notices_form,
        calendar_link=active_link(current_user),
        calendar_form=CalendarLinkForm(formdata=None),
        **account_section(current_user._get_current_object()),
    )


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> str | Response:
    """Change the user's password; other sessions end, this one is renewed."""
    form = ChangePasswordForm()
    form.account = current_user
    if form.validate_on_submit():
        user = current_user._get_current_object()
        password_hash = user.password_hash
        end_if_unwritten()  # no transaction held while hashing
        if not verify_password(password_hash, form.current.data):
            form.current.errors.append(_("The current password is wrong."))
        else:
            second_factor = session.get(SECOND_FACTOR_KEY, "none")
            operations.set_password(user, form.password.data)
            operations.start_session(user, second_factor)  # this session passed both steps
            db.session.commit()
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/change_password.html", form=form)


@bp.post("/language")
def set_language() -> Response:
    """Switch the interface language (saved to the account when logged in)."""
    form = LanguageForm()
    form.language.choices = language_choices(available_languages())
    if not form.validate():
        abort(400)
    session[SESSION_KEY] = form.language.data
    if current_user.is_authenticated:
        current_user.language = form.language.data
        current_user.language_chosen = True
        db.session.commit()
    return redirect(safe_next_url(request.form.get("next")) or url_for("countries.index"))
