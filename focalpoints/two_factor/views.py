"""The second step of log-in, setting up an authenticator, recovery codes, remembered devices,
an administrator's reset, and a country's requirement."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

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

from focalpoints import permissions
from focalpoints.auth import operations as auth
from focalpoints.auth.loading import SECOND_FACTOR_KEY
from focalpoints.auth.login_limits import login_failed, login_limit
from focalpoints.auth.models import User
from focalpoints.auth.passwords import verify_password
from focalpoints.countries.loading import load_country
from focalpoints.database import end_if_unwritten
from focalpoints.extensions import db, limiter
from focalpoints.two_factor import gate, operations, passkeys
from focalpoints.two_factor.forms import (
    AddPasskeyForm,
    CodeForm,
    EnrolForm,
    PasskeyLoginForm,
    RequirementForm,
    TurnOffForm,
)
from focalpoints.urls import home_url

bp = Blueprint("two_factor", __name__)


def continue_log_in(user: User, next_url: str | None) -> Response:
    """After a right password: log in, or go on to the second step, or to setting it up (the
    caller commits)."""
    enrolled = operations.is_enrolled(user)
    if not enrolled and not operations.is_required(user):
        auth.start_session(user)
        return redirect(next_url or home_url(user))
    cookie = request.cookies.get(current_app.config["TWO_FACTOR_DEVICE_COOKIE"])
    if enrolled and operations.is_remembered(user, cookie):
        auth.start_session(user, "device")
        return redirect(next_url or home_url(user))
    gate.begin(user, next_url, enrol=not enrolled)
    return redirect(url_for("two_factor.enrol" if not enrolled else "two_factor.verify"))


def _not_between_steps() -> Response:
    """Where a request for the second step goes when the session is not between the steps."""
    if current_user.is_authenticated:
        return redirect(home_url(current_user))
    return gate.abandon() if gate.PENDING_KEY in session else redirect(url_for("auth.login"))


def _code_form() -> CodeForm:
    days = current_app.config["TWO_FACTOR_REMEMBER_DAYS"]
    form = CodeForm()
    form.remember.label.text = _("Do not ask again on this device for %(days)d days", days=days)
    return form


def _render_verify(
    user: User, form: CodeForm, status: int = 200, headers: dict[str, str] | None = None
) -> tuple[str, int, dict[str, str]]:
    has_passkeys = bool(passkeys.passkeys_of(user))
    page = render_template(
        "two_factor/verify.html",
        form=form,
        passkey_form=PasskeyLoginForm(formdata=None, prefix="passkey") if has_passkeys else None,
    )
    return page, status, headers or {}


def _finish_second_step(
    user: User, result: operations.CheckResult, remember: bool, form: CodeForm
) -> Response | tuple[str, int, dict[str, str]] | None:
    """Log in after a passed second step; the page again if throttled; None if refused.

    A passed step is saved with the log-in it opens, or not at all.
    """
    g.login_failed = result.outcome is not operations.CheckOutcome.OK
    if result.outcome is not operations.CheckOutcome.OK:
        db.session.commit()  # the failure counts, though the request fails
        if result.outcome is not operations.CheckOutcome.THROTTLED or not result.retry_after:
            return None
        wait = max(result.retry_after, timedelta(seconds=1))
        flash(
            _(
                "Too many wrong codes. Try again in %(wait)s.",
                wait=format_timedelta(wait, threshold=1, add_direction=False),
            ),
            "danger",
        )
        retry = {"Retry-After": str(math.ceil(wait.total_seconds()))}
        return _render_verify(user, form, 429, retry)
    target = gate.next_url() or home_url(user)
    auth.start_session(user, result.method or "totp")
    response = redirect(target)
    if remember:
        _set_device_cookie(response, *operations.remember_device(user, _user_agent()))
    if result.method == "recovery":
        flash(
            _(
                "You used a recovery code. You have %(n)d left; make new ones on your "
                "account page when they run low.",
                n=operations.recovery_codes_left(user),
            ),
            "warning",
        )
    db.session.commit()
    return response


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"], deduct_when=login_failed)
def verify() -> Response | tuple[str, int, dict[str, str]]:
    """Ask for the authenticator's code (or a recovery code, or a passkey) after the password."""
    user = gate.pending_user()
    if user is None:
        return _not_between_steps()
    if gate.needs_enrolment():
        return redirect(url_for("two_factor.enrol"))
    form = _code_form()
    if form.validate_on_submit():
        result = operations.check_code(user, form.code.data, get_remote_address())
        done = _finish_second_step(user, result, bool(form.remember.data), form)
        if done is not None:
            return done
        form.code.errors.append(_("This code is wrong or has been used already."))
    return _render_verify(user, form)


@bp.post("/login/passkey/options")
def passkey_challenge() -> Response:
    """Give the browser a challenge for the pending user's passkeys (navigator.credentials.get)."""
    user = gate.pending_user()
    if user is None:
        return _not_between_steps()
    options = None if gate.needs_enrolment() else passkeys.authentication_options(user)
    if options is None:
        abort(404)
    return _json(options)


@bp.post("/login/passkey")
@limiter.limit(login_limit, deduct_when=login_failed)
def verify_passkey() -> Response | tuple[str, int, dict[str, str]]:
    """Pass the second step with a passkey: the browser's signature of the session's challenge."""
    user = gate.pending_user()
    if user is None:
        return _not_between_steps()
    if gate.needs_enrolment():
        return redirect(url_for("two_factor.enrol"))
    form = PasskeyLoginForm(prefix="passkey")
    if form.validate_on_submit():
        result = passkeys.check_passkey(user, form.credential.data, get_remote_address())
        done = _finish_second_step(user, result, bool(form.remember.data), _code_form())
        if done is not None:
            return done
    g.login_failed = True
    flash(_("The passkey was not accepted. Try again, or enter a code."), "danger")
    return redirect(url_for("two_factor.verify"), 303)


def _json(text: str) -> Response:
    response = current_app.response_class(text, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


def _user_agent() -> str:
    return request.headers.get("User-Agent", "")[:500]


def _set_device_cookie(response: Response, secret: str, expires: Any) -> None:
    config = current_app.config
    response.set_cookie(
        config["TWO_FACTOR_DEVICE_COOKIE"],
        secret,
        expires=expires,
        httponly=True,
        secure=bool(config["SESSION_COOKIE_SECURE"]) or request.is_secure,
        samesite="Lax",
    )


@bp.route("/two-step/setup", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"], deduct_when=login_failed)
def enrol() -> str | Response:
    """Set up an authenticator application: from the account page, or right after the password
    when the user must have one."""
    user = gate.pending_user()
    pending = user is not None
    if user is None:
        if gate.PENDING_KEY in session:
            return gate.abandon()
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login"))
        user = current_user._get_current_object()
    if operations.is_enrolled(user):
        return redirect(url_for("two_factor.verify" if pending else "auth.account"))
    credential = operations.start_enrolment(user)
    form = EnrolForm()
    if form.validate_on_submit():
        codes = operations.confirm_enrolment(user, credential, form.code.data)
        g.login_failed = codes is None
        if codes is not None:
            target = (gate.next_url() if pending else url_for("auth.account")) or home_url(user)
            if pending:
                auth.start_session(user, "totp")
            else:
                session[SECOND_FACTOR_KEY] = "totp"
            db.session.commit()
            flash(_("Two-step verification is on."), "success")
            return render_template(
                "two_factor/recovery_codes.html", codes=codes, target=target, offer_passkey=True
            )
        form.code.errors.append(
            _("This code is wrong. Check the time on your phone, and try the next code.")
        )
    db.session.commit()  # the secret being set up, shown below, is kept for the next try
    uri = operations.provisioning_uri(user, credential)
    return render_template(
        "two_factor/enrol.html",
        form=form,
        qr_code=operations.qr_code_svg(uri, _("QR code for your authenticator application")),
        secret=operations.grouped_secret(credential),
        pending=pending,
        required=operations.is_required(user),
    )


def account_section(user: User) -> dict[str, Any]:
    """What the account page shows of two-step verification."""
    enrolled = operations.is_enrolled(user)
    return {
        "two_step_enrolled": enrolled,
        "two_step_required": operations.is_required(user),
        "recovery_codes_left": operations.recovery_codes_left(user) if enrolled else 0,
        "remembered_devices": operations.remembered_devices(user),
        "turn_off_form": TurnOffForm(formdata=None),
        "passkeys": passkeys.passkeys_of(user) if enrolled else [],
        "add_passkey_form": AddPasskeyForm(
            formdata=None, prefix="passkey", data={"name": operations.device_label(_user_agent())}
        ),
    }


@bp.post("/account/two-step/recovery-codes")
@login_required
def renew_recovery_codes() -> str | Response:
    """Replace the user's recovery codes with ten new ones, shown once."""
    user = current_user._get_current_object()
    if not operations.is_enrolled(user):
        return redirect(url_for("auth.account"))
    codes = operations.new_recovery_codes(user)
    db.session.commit()
    return render_template(
        "two_factor/recovery_codes.html", codes=codes, target=url_for("auth.account")
    )


@bp.post("/account/two-step/turn-off")
@login_required
def turn_off() -> str | Response:
    """Turn two-step verification off, where it is not required; asks for the password."""
    user = current_user._get_current_object()
    if operations.is_required(user):
        flash(_("Two-step verification is required for your account."), "danger")
        return redirect(url_for("auth.account"))
    form = TurnOffForm()
    if form.validate_on_submit():
        password_hash = user.password_hash
        end_if_unwritten()  # no transaction held while hashing
        if verify_password(password_hash, form.current.data):
            operations.remove(user, "two_step_disabled", actor=user)
            db.session.commit()
            session[SECOND_FACTOR_KEY] = "none"
            flash(_("Two-step verification is off."), "success")
            return redirect(url_for("auth.account"))
        flash(_("The current password is wrong."), "danger")
    return redirect(url_for("auth.account") + "#two-step")


@bp.post("/account/two-step/devices/<int:device_id>/forget")
@login_required
def forget_device(device_id: int) -> Response:
    """Forget one remembered device: it asks for a code at its next log-in."""
    if operations.forget_device(current_user, device_id):
        db.session.commit()
        flash(_("That device will be asked for a code at its next log-in."), "success")
    return redirect(url_for("auth.account") + "#two-step")


@bp.post("/account/two-step/passkeys/options")
@login_required
def passkey_creation_options() -> Response:
    """Give the browser what it needs to make a passkey (navigator.credentials.create)."""
    user = current_user._get_current_object()
    if not operations.is_enrolled(user):
        return redirect(url_for("auth.account"))
    return _json(passkeys.registration_options(user))


@bp.post("/account/two-step/passkeys")
@login_required
def add_passkey() -> Response:
    """Keep a new passkey made by the browser; asks for the password, as turning off does."""
    user = current_user._get_current_object()
    if not operations.is_enrolled(user):
        return redirect(url_for("auth.account"))
    form = AddPasskeyForm(prefix="passkey")
    back = redirect(url_for("auth.account") + "#two-step")
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(error, "danger")
        return back
    password_hash = user.password_hash
    end_if_unwritten()  # no transaction held while hashing
    if not verify_password(password_hash, form.current.data):
        flash(_("The current password is wrong."), "danger")
        return back
    if passkeys.register(user, form.credential.data, form.name.data) is None:
        flash(_("The passkey could not be added. Try again."), "danger")
        return back
    db.session.commit()
    flash(_("The passkey has been added."), "success")
    return back


@bp.post("/account/two-step/passkeys/<int:passkey_id>/remove")
@login_required
def remove_passkey(passkey_id: int) -> Response:
    """Remove one of the user's passkeys."""
    if passkeys.remove_passkey(current_user._get_current_object(), passkey_id):
        db.session.commit()
        flash(_("The passkey has been removed."), "success")
    return redirect(url_for("auth.account") + "#two-step")


@bp.post("/users/<int:user_id>/two-step/reset")
@permissions.require(permissions.is_admin)
def reset(user_id: int) -> Response:
    """Remove a user's authenticator, recovery codes, passkeys and remembered devices (a lost
    phone), and end their sessions; they set it up again at their next log-in if required."""
    user = db.get_or_404(User, user_id)
    operations.remove(user, "two_step_reset", actor=current_user._get_current_object())
    db.session.commit()
    flash(_("Two-step verification of %(email)s has been reset.", email=user.email), "success")
    return redirect(url_for("users.edit", user_id=user.id))


@bp.route("/admin/countries/<code>/two-step", methods=["GET", "POST"])
@permissions.require(permissions.is_admin)
def requirement(code: str) -> str | Response:
    """Require two-step verification of a country's national users, or stop requiring it."""
    country = load_country(code, can=permissions.can_view_country)
    form = RequirementForm(data={"required": country.two_factor_required})
    if form.validate_on_submit():
        country.two_factor_required = bool(form.required.data)
        db.session.commit()
        flash(_("The rule for %(country)s has been saved.", country=country.name), "success")
        return redirect(url_for("countries.detail", code=country.iso2))
    if request.method == "POST":
        abort(400)
    return render_template("two_factor/requirement.html", form=form, country=country)
