/** The headers panel: an Authorization field and `Name: value` lines, kept in the page only. */

/** What the headers panel shows and changes. */
export interface HeadersPanelProps {
  auth: string;
  extra: string;
  setAuth: (value: string) => void;
  setExtra: (value: string) => void;
  /** The last call was refused (401/403): the panel opens itself. */
  refused: boolean;
}

/** The Authorization field and extra header lines, sent with every call. */
export function HeadersPanel({ auth, extra, setAuth, setExtra, refused }: HeadersPanelProps) {
  return (
    <details class="panel" open={refused || auth !== "" || extra !== ""}>
      <summary>Headers (sent with every call)</summary>
      {/* A form only so the browser treats the password field as one; it never submits. */}
      <form autocomplete="off" onSubmit={(e) => e.preventDefault()}>
        <label for="authorization">Authorization</label>
        <input id="authorization" data-testid="authorization" type="password" autocomplete="off" placeholder="Bearer …" value={auth} onInput={(e) => setAuth(e.currentTarget.value)} />
        <label for="extra-headers">Other headers, one "Name: value" per line</label>
        <textarea id="extra-headers" data-testid="extra-headers" rows={2} spellcheck={false} value={extra} onInput={(e) => setExtra(e.currentTarget.value)} />
        <small>Kept in this page only, never stored.</small>
      </form>
    </details>
  );
}
