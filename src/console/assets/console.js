// autosoc console: the little script the pages need (served from the package; the CSP allows
// only same-origin scripts). It polls the queue, and sends decisions and tuning acceptances
// to the API with the session's CSRF token. Messages are set as text, never as markup.
'use strict';
(function () {
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.getAttribute('content') : '';

  function signedOut(res) {
    return res.redirected && /\/sign-in/.test(res.url);
  }

  function post(url, body) {
    return fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
      body: JSON.stringify(body),
    }).then(function (res) {
      return res.text().then(function (text) {
        var json = {};
        try {
          json = JSON.parse(text);
        } catch (e) {
          json = { error: 'unexpected answer (' + res.status + ')' };
        }
        return { ok: res.ok, status: res.status, json: json };
      });
    });
  }

  function say(el, text, isError) {
    if (!el) return;
    el.textContent = text;
    el.className = isError ? 'error' : 'ok';
  }

  // Queue: refresh the rows every 10 s with the same filters.
  var rows = document.querySelector('tbody[data-poll]');
  if (rows) {
    setInterval(function () {
      fetch(rows.getAttribute('data-poll'), { credentials: 'same-origin' })
        .then(function (res) {
          if (signedOut(res) || res.status === 401) {
            window.location.assign('/sign-in');
            return;
          }
          if (!res.ok) return;
          return res.text().then(function (html) {
            rows.innerHTML = html; // our server's escaped markup
            var status = document.getElementById('queue-status');
            if (status)
              status.textContent =
                rows.querySelectorAll('tr[data-workflow-id]').length +
                ' awaiting an analyst; updated ' +
                new Date().toLocaleTimeString() +
                '.';
          });
        })
        .catch(function () {
          /* offline for a moment: the next poll retries */
        });
    }, 10000);
  }

  // Decisions: each form sends one decision to the API's decide route.
  var decide = document.querySelector('[data-decide-url]');
  if (decide) {
    var url = decide.getAttribute('data-decide-url');
    var result = document.getElementById('decision-result');
    decide.querySelectorAll('form.decision').forEach(function (form) {
      form.addEventListener('submit', function (event) {
        event.preventDefault();
        var data = new FormData(form);
        var body = { action: form.getAttribute('data-action') };
        if (data.get('reason')) body.reason = String(data.get('reason'));
        if (data.get('assignee')) body.assignee = String(data.get('assignee'));
        if (body.action === 'close') body.falsePositive = data.get('falsePositive') === 'true';
        if (body.action === 'approve') body.actions = data.getAll('actions').map(String);
        var buttons = form.querySelectorAll('button');
        buttons.forEach(function (b) {
          b.disabled = true;
        });
        say(result, 'Sending ' + body.action + '…', false);
        post(url, body)
          .then(function (r) {
            if (!r.ok) {
              say(result, 'Refused: ' + (r.json.error || 'HTTP ' + r.status), true);
              buttons.forEach(function (b) {
                b.disabled = false;
              });
              return;
            }
            say(result, 'Accepted: ' + body.action + ' (stage ' + r.json.status.stage + '). Reloading…', false);
            setTimeout(function () {
              window.location.reload();
            }, 800);
          })
          .catch(function () {
            say(result, 'The API did not answer; nothing was decided.', true);
            buttons.forEach(function (b) {
              b.disabled = false;
            });
          });
      });
    });
  }

  // Tuning: accept a suggestion with an expiry.
  document.querySelectorAll('form[data-accept-url]').forEach(function (form) {
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var ttl = Number(new FormData(form).get('ttlDays'));
      var result = document.getElementById('tuning-result');
      post(form.getAttribute('data-accept-url'), { ttlDays: ttl }).then(function (r) {
        if (!r.ok) {
          say(result, 'Refused: ' + (r.json.error || 'HTTP ' + r.status), true);
          return;
        }
        say(result, 'Accepted suggestion #' + r.json.suppression.id + '; it expires ' + r.json.suppression.expiresAt + '.', false);
        form.closest('li').remove();
      });
    });
  });
})();
