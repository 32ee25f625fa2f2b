/* Passkeys (WebAuthn): adding one on the account page, and using one for the second step of
 * log-in. Each form marked data-passkey="create" or "get" stays hidden unless the browser offers
 * WebAuthn (window.PublicKeyCredential). Its button asks the server for options (a fresh
 * challenge kept in the session), hands them to navigator.credentials, puts the browser's
 * answer in the form's hidden field as JSON and submits the form: the server checks it all.
 * Binary values travel as base64url, as the server's options carry them.
 */
(() => {
  "use strict";

  if (typeof window.PublicKeyCredential === "undefined" || !navigator.credentials) {
    return;
  }

  const toBytes = (base64url) => {
    const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
    const binary = atob(padded);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i += 1) {
      bytes[i] = binary.charCodeAt(i);
    }
    return bytes.buffer;
  };

  const toBase64url = (buffer) => {
    const bytes = new Uint8Array(buffer);
    let binary = "";
    for (let i = 0; i < bytes.length; i += 1) {
      binary += String.fromCharCode(bytes[i]);
    }
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  };

  const withIds = (descriptors) =>
    (descriptors || []).map((descriptor) => ({ ...descriptor, id: toBytes(descriptor.id) }));

  const creationOptions = (options) => ({
    ...options,
    challenge: toBytes(options.challenge),
    user: { ...options.user, id: toBytes(options.user.id) },
    excludeCredentials: withIds(options.excludeCredentials),
  });

  const requestOptions = (options) => ({
    ...options,
    challenge: toBytes(options.challenge),
    allowCredentials: withIds(options.allowCredentials),
  });

  // The credential as JSON, in the shape the server's webauthn library reads.
  const asJson = (credential) => {
    const response = credential.response;
    const answer = { clientDataJSON: toBase64url(response.clientDataJSON) };
    if (response.attestationObject) {
      answer.attestationObject = toBase64url(response.attestationObject);
      answer.transports = typeof response.getTransports === "function" ? response.getTransports() : [];
    } else {
      answer.authenticatorData = toBase64url(response.authenticatorData);
      answer.signature = toBase64url(response.signature);
      if (response.userHandle) {
        answer.userHandle = toBase64url(response.userHandle);
      }
    }
    return JSON.stringify({
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      response: answer,
      clientExtensionResults: credential.getClientExtensionResults(),
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
    });
  };

  const setUp = (form) => {
    const kind = form.dataset.passkey;
    const button = form.querySelector("[data-passkey-start]");
    const error = form.querySelector("[data-passkey-error]");
    const answer = form.querySelector('input[type="hidden"][name$="credential"]');
    const token = form.querySelector('input[name$="csrf_token"]');
    if (!button || !answer) {
      return;
    }
    form.hidden = false;
    const parent = form.parentElement;
    const unsupported = parent && parent.querySelector("[data-passkey-unsupported]");
    if (unsupported) {
      unsupported.hidden = true;
    }

    button.addEventListener("click", async () => {
      error.hidden = true;
      if (kind === "create" && !form.reportValidity()) {
        return;
      }
      button.disabled = true;
      try {
        const headers = { Accept: "application/json" };
        if (token) {
          headers["X-CSRFToken"] = token.value; // Flask-WTF reads it for requests with no form
        }
        const reply = await fetch(form.dataset.optionsUrl, {
          method: "POST",
          credentials: "same-origin",
          headers,
        });
        const type = reply.headers.get("Content-Type") || "";
        if (!reply.ok || !type.startsWith("application/json")) {
          throw new Error(`options: ${reply.status}`);
        }
        const options = await reply.json();
        const credential =
          kind === "create"
            ? await navigator.credentials.create({ publicKey: creationOptions(options) })
            : await navigator.credentials.get({ publicKey: requestOptions(options) });
        answer.value = asJson(credential);
        if (form.dataset.rememberFrom) {
          const box = document.getElementById(form.dataset.rememberFrom);
          const remember = form.querySelector('input[type="hidden"][name$="remember"]');
          if (box && remember) {
            remember.value = box.checked ? "y" : "";
          }
        }
        form.submit();
      } catch (problem) {
        // Cancelled by the user, timed out, or no such passkey here: the code still works.
        error.hidden = false;
        button.disabled = false;
      }
    });
  };

  document.querySelectorAll("form[data-passkey]").forEach(setUp);
})();
