// Sign-in: paste an API token; it is exchanged for a session cookie and never stored in the page.
import { type Html, html } from '../html';

export function signInPage(formToken: string, next: string, error?: string): Html {
  return html`${error ? html`<p class="error" role="alert">${error}</p>` : ''}
    <form method="post" action="/sign-in" class="sign-in">
      <input type="hidden" name="form" value="${formToken}" />
      <input type="hidden" name="next" value="${next}" />
      <label for="token">API token</label>
      <input id="token" name="token" type="password" autocomplete="off" required autofocus maxlength="512" />
      <button type="submit">Sign in</button>
      <p class="hint">Create one with <code>autosoc token create --name you --roles analyst</code>.</p>
    </form>`;
}
