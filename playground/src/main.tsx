/**
 * The playground page of one mounted chain: input form (or JSON editor, or chat), config
 * editor, headers, invoke / stream / stop, output and intermediate steps.
 */
import { render } from "preact";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { RemoteRunnable } from "../../src/client/index.js";
import type { BaseMessage } from "../../src/core/messages/base.js";
import { ChatPanel, chatInput, replyOf } from "./chat.js";
import { FieldList, draftOf, parseDraft, parseFields, type Drafts } from "./fields.js";
import { locate, parseHeaderLines, shareLink } from "./location.js";
import { OutputPanel, StepsPanel } from "./panels.js";
import { describeError, invokeChain, streamChain, type CallOptions, type RunView } from "./run.js";
import { chatKey, configurableFields, objectFields, rootKind, type Field, type Schema } from "./schema.js";
import "./styles.css";

const where = locate(location.href);

interface Schemas {
  input: Schema;
  config: Schema;
}

function HeadersPanel({ auth, extra, setAuth, setExtra }: { auth: string; extra: string; setAuth: (v: string) => void; setExtra: (v: string) => void }) {
  return (
    <details class="panel" open={auth !== "" || extra !== ""}>
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

function App() {
  const [auth, setAuth] = useState("");
  const [extra, setExtra] = useState("");
  const headersRef = useRef<() => Record<string, string>>(() => ({}));
  headersRef.current = () => {
    const out = parseHeaderLines(extra);
    if (auth.trim() !== "") out.authorization = auth.trim();
    return out;
  };
  const [schemas, setSchemas] = useState<Schemas | undefined>();
  const [schemaError, setSchemaError] = useState<string | undefined>();
  const [reload, setReload] = useState(0);
  const [drafts, setDrafts] = useState<Drafts>({});
  const [json, setJson] = useState("");
  const [configDrafts, setConfigDrafts] = useState<Drafts>({});
  const [view, setView] = useState<RunView>({ status: "idle", steps: [], updates: 0 });
  const [history, setHistory] = useState<BaseMessage[]>([]);
  const [chatOn, setChatOn] = useState(true);
  const controller = useRef<AbortController | undefined>(undefined);

  useEffect(() => {
    const remote = new RemoteRunnable({ url: where.callUrl, headers: () => headersRef.current() });
    // A mount may disable its schema endpoints: a 404 leaves the JSON editor and no config fields.
    const orEmpty = (error: unknown): Schema => {
      if ((error as { status?: number }).status === 404) return {};
      throw error;
    };
    Promise.all([remote.fetchInputSchema().catch(orEmpty), remote.fetchConfigSchema().catch(orEmpty)]).then(
      ([input, config]) => {
        setSchemas({ input, config });
        setSchemaError(undefined);
      },
      (error: unknown) => setSchemaError(describeError(error)),
    );
  }, [reload]);

  const inputFields = useMemo(() => (schemas === undefined ? undefined : objectFields(schemas.input, schemas.input)), [schemas]);
  const kind = schemas === undefined ? "json" : rootKind(schemas.input, schemas.input);
  const chat = schemas === undefined ? undefined : chatKey(schemas.input);
  const configFields = useMemo<Field[]>(() => (schemas === undefined ? [] : configurableFields(schemas.config)), [schemas]);
  const shared = (where.sharedConfig?.configurable ?? {}) as Record<string, unknown>;
  const busy = view.status === "running";

  const configurable = (): Record<string, unknown> => {
    const drafted: Drafts = {};
    for (const f of configFields) drafted[f.name] = configDrafts[f.name] ?? draftOf(f, shared[f.name]);
    return parseFields(configFields.map((f) => ({ ...f, required: false })), drafted);
  };

  const readInput = (): unknown => {
    if (inputFields !== undefined) return parseFields(inputFields, drafts);
    if (kind === "json") return JSON.parse(json === "" ? "null" : json) as unknown;
    return parseDraft({ name: "input", kind, required: true, title: "Input" }, json);
  };

  const call = (how: "invoke" | "stream", input?: unknown): Promise<RunView> | undefined => {
    let options: CallOptions;
    try {
      controller.current = new AbortController();
      options = {
        url: where.callUrl,
        headers: () => headersRef.current(),
        input: input === undefined ? readInput() : input,
        configurable: configurable(),
        signal: controller.current.signal,
        onUpdate: setView,
      };
      headersRef.current();
    } catch (error) {
      setView({ status: "error", steps: [], updates: 0, error: describeError(error) });
      return undefined;
    }
    return how === "invoke" ? invokeChain(options) : streamChain(options);
  };

  const sendChat = (messages: BaseMessage[]): void => {
    const key = chat?.key ?? "";
    let extraInput: Record<string, unknown> = {};
    try {
      if (inputFields !== undefined) extraInput = parseFields(inputFields.filter((f) => f.name !== key).map((f) => ({ ...f, required: false })), drafts);
    } catch (error) {
      setView({ status: "error", steps: [], updates: 0, error: describeError(error) });
      return;
    }
    setHistory(messages);
    void call("stream", chatInput(key, extraInput, messages))?.then((done) => {
      const reply = done.status === "done" ? replyOf(done.output) : undefined;
      if (reply !== undefined) setHistory([...messages, reply]);
    });
  };

  const link = useMemo(() => {
    try {
      const c = configurable();
      return shareLink(where.chainUrl, Object.keys(c).length > 0 ? { configurable: c } : {});
    } catch {
      return undefined;
    }
  }, [configDrafts, configFields]);

  const chatMode = chat !== undefined && chatOn;
  const otherFields = inputFields?.filter((f) => !chatMode || f.name !== chat?.key) ?? [];
  return (
    <main>
      <header>
        <h1>
          <span class="brand">chainserve</span> playground <code data-testid="chain">{new URL(where.chainUrl).pathname}</code>
        </h1>
        {where.hash !== undefined && <p class="shared">Opened from a share link: calls use its config.</p>}
      </header>
      <div class="columns">
        <div class="column">
          <HeadersPanel auth={auth} extra={extra} setAuth={setAuth} setExtra={setExtra} />
          <section class="panel">
            <h2>
              Input
              {chat !== undefined && (
                <button type="button" class="link" onClick={() => setChatOn(!chatOn)}>
                  {chatOn ? "form view" : "chat view"}
                </button>
              )}
            </h2>
            {schemaError !== undefined && (
              <div class="error" role="alert">
                Could not load the schemas: {schemaError}{" "}
                <button type="button" onClick={() => setReload(reload + 1)}>
                  Retry
                </button>
              </div>
            )}
            {schemas === undefined && schemaError === undefined && <p class="muted">Loading schemas…</p>}
            {otherFields.length > 0 && <FieldList fields={otherFields} drafts={drafts} prefix="input" onChange={(n, t) => setDrafts({ ...drafts, [n]: t })} />}
            {schemas !== undefined && inputFields === undefined && !chatMode && (
              <div class="field">
                <label for="input-json">{kind === "json" ? "Input (JSON)" : `Input (${kind})`}</label>
                <textarea id="input-json" name="input" class={kind === "json" ? "json-editor" : "text-field"} rows={kind === "json" ? 6 : 2} spellcheck={false} value={json} onInput={(e) => setJson(e.currentTarget.value)} />
              </div>
            )}
            {chatMode ? (
              <ChatPanel history={history} view={view} busy={busy} onSend={sendChat} onClear={() => setHistory([])} />
            ) : (
              <div class="actions">
                <button type="button" disabled={busy || schemas === undefined} onClick={() => void call("invoke")}>
                  Invoke
                </button>
                <button type="button" class="primary" disabled={busy || schemas === undefined} onClick={() => void call("stream")}>
                  Stream
                </button>
                <button type="button" class="danger" disabled={!busy} onClick={() => controller.current?.abort()}>
                  Stop
                </button>
              </div>
            )}
            {chatMode && busy && (
              <button type="button" class="danger" onClick={() => controller.current?.abort()}>
                Stop
              </button>
            )}
          </section>
          <section class="panel">
            <h2>Config</h2>
            {configFields.length === 0 ? (
              <p class="muted">This chain has no configurable fields.</p>
            ) : (
              <FieldList fields={configFields} drafts={Object.fromEntries(configFields.map((f) => [f.name, configDrafts[f.name] ?? draftOf(f, shared[f.name])]))} prefix="config" onChange={(n, t) => setConfigDrafts({ ...configDrafts, [n]: t })} />
            )}
            {link !== undefined && (configFields.length > 0 || where.hash !== undefined) && (
              <p class="share">
                Share: <a data-testid="share-link" href={link}>{link}</a>
              </p>
            )}
          </section>
        </div>
        <div class="column">
          <OutputPanel view={view} />
          <StepsPanel steps={view.steps} running={busy} />
        </div>
      </div>
    </main>
  );
}

const root = document.getElementById("app");
if (root !== null) render(<App />, root);
