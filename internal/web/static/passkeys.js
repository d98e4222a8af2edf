// Passkeys: the browser's WebAuthn API needs script. This file only
// carries options from the server to navigator.credentials and the answer
// back; the server checks everything. Without script the rest of the site
// works, and these controls stay hidden.
(function () {
  'use strict';
  if (!window.PublicKeyCredential || !navigator.credentials) {
    return;
  }

  function toBuffer(s) {
    s = s.replace(/-/g, '+').replace(/_/g, '/');
    while (s.length % 4) { s += '='; }
    var bin = atob(s);
    var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { out[i] = bin.charCodeAt(i); }
    return out.buffer;
  }

  function toBase64URL(buf) {
    var bytes = new Uint8Array(buf);
    var s = '';
    for (var i = 0; i < bytes.length; i++) { s += String.fromCharCode(bytes[i]); }
    return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function post(url, params) {
    return fetch(url, {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Accept': 'application/json' },
      body: new URLSearchParams(params)
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (j) {
        if (!r.ok) { throw new Error((j.error && j.error.message) || r.statusText); }
        return j;
      });
    });
  }

  function credentialJSON(c) {
    var r = c.response;
    var out = {
      id: c.id, rawId: toBase64URL(c.rawId), type: c.type,
      clientExtensionResults: c.getClientExtensionResults ? c.getClientExtensionResults() : {},
      response: { clientDataJSON: toBase64URL(r.clientDataJSON) }
    };
    if (c.authenticatorAttachment) { out.authenticatorAttachment = c.authenticatorAttachment; }
    if (r.attestationObject) {
      out.response.attestationObject = toBase64URL(r.attestationObject);
      if (r.getTransports) { out.response.transports = r.getTransports(); }
    }
    if (r.authenticatorData) {
      out.response.authenticatorData = toBase64URL(r.authenticatorData);
      out.response.signature = toBase64URL(r.signature);
      if (r.userHandle) { out.response.userHandle = toBase64URL(r.userHandle); }
    }
    return JSON.stringify(out);
  }

  function showError(box, err) {
    var p = box.querySelector('[data-passkey-error]');
    if (p) { p.textContent = err.message || String(err); p.hidden = false; }
  }

  function register(form) {
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var csrf = form.querySelector('input[name="csrf"]').value;
      var name = form.querySelector('input[name="name"]').value;
      post('/account/passkeys/options', { csrf: csrf, name: name }).then(function (o) {
        var pk = o.publicKey;
        pk.challenge = toBuffer(pk.challenge);
        pk.user.id = toBuffer(pk.user.id);
        (pk.excludeCredentials || []).forEach(function (d) { d.id = toBuffer(d.id); });
        return navigator.credentials.create({ publicKey: pk }).then(function (c) {
          return post('/account/passkeys', { csrf: csrf, flow: o.flow, credential: credentialJSON(c) });
        });
      }).then(function (res) { window.location.assign(res.next); }, function (err) { showError(form, err); });
    });
  }

  function signIn(box) {
    var button = box.querySelector('[data-passkey-start]');
    var next = box.querySelector('[data-passkey-next]');
    button.addEventListener('click', function () {
      post('/signin/passkey/options', { next: next ? next.value : '/' }).then(function (o) {
        var pk = o.publicKey;
        pk.challenge = toBuffer(pk.challenge);
        (pk.allowCredentials || []).forEach(function (d) { d.id = toBuffer(d.id); });
        return navigator.credentials.get({ publicKey: pk });
      }).then(function (c) {
        return post('/signin/passkey', { credential: credentialJSON(c) });
      }).then(function (res) { window.location.assign(res.next); }, function (err) { showError(box, err); });
    });
  }

  document.querySelectorAll('[data-passkey="register"]').forEach(function (el) { register(el); el.hidden = false; });
  document.querySelectorAll('[data-passkey="signin"]').forEach(function (el) { signIn(el); el.hidden = false; });
  document.querySelectorAll('[data-passkey-nojs]').forEach(function (el) { el.hidden = true; });
}());
