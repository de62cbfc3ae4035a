import { useState } from 'react';

/** Password login for users of the local user store (`npm run user -- add <name>`); the token URL works as well. */
export function LoginPage() {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  return (
    <div className="page login" data-testid="login">
      <h1>Log in to Flowbook</h1>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          const r = await fetch('/api/login', { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, password }) });
          if (r.ok) window.location.assign('/');
          else setError((await r.json()).error ?? `HTTP ${r.status}`);
        }}
      >
        <label>
          User name <input value={name} onChange={(e) => setName(e.target.value)} autoComplete="username" data-testid="login-name" />
        </label>
        <label>
          Password <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" data-testid="login-password" />
        </label>
        <button type="submit" className="run" data-testid="login-submit">
          Log in
        </button>
        {error && <p className="error">{error}</p>}
      </form>
      <p className="muted">Running Flowbook yourself? Open the URL with the token that the server printed when it started.</p>
    </div>
  );
}
