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
import { chatKey, configurableFields, objectFields, otherConfigFields, rootKind, type Field, type Schema } from "./schema.js";
import type { RunnableConfig } from "../../src/client/index.js";
import "./styles.css";

const where = locate(location.href);

// The config keys a config schema may list, wire spelling → the client's RunnableConfig keys.
const CONFIG_KEYS: Record<string, string> = {
  tags: "tags",
  metadata: "metadata",
  recursion_limit: "recursionLimit",
  max_concurrency: "maxConcurrency",
  run_id: "runId",
};

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
  const restFields = useMemo<Field[]>(() => (schemas === undefined ? [] : otherConfigFields(schemas.config).filter((f) => f.name in CONFIG_KEYS)), [schemas]);
  const shared = (where.sharedConfig?.configurable ?? {}) as Record<string, unknown>;
  const sharedRest = where.sharedConfig ?? {};
  const busy = view.status === "running";

  const restDraft = (f: Field): string => configDrafts[`.${f.name}`] ?? draftOf(f, sharedRest[f.name]);
  const configDraft = (f: Field): string => configDrafts[f.name] ?? draftOf(f, shared[f.name]);
  // The config in the wire's (snake_case) spelling: what a share link carries.
  const wireConfig = (): Record<string, unknown> => {
    const drafted: Drafts = {};
    for (const f of configFields) drafted[f.name] = configDraft(f);
    const configurable = parseFields(configFields.map((f) => ({ ...f, required: false })), drafted);
    const restDrafts: Drafts = {};
    for (const f of restFields) restDrafts[f.name] = restDraft(f);
    const out = parseFields(restFields.map((f) => ({ ...f, required: false })), restDrafts);
    if (Object.keys(configurable).length > 0) out.configurable = configurable;
    return out;
  };
  const runConfig = (): Partial<RunnableConfig> => {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(wireConfig())) out[key === "configurable" ? key : (CONFIG_KEYS[key] ?? key)] = value;
    return out as Partial<RunnableConfig>;
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
        config: runConfig(),
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
      return shareLink(where.chainUrl, wireConfig());
    } catch {
      return undefined;
    }
  }, [configDrafts, configFields, restFields]);

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
              <FieldList fields={configFields} drafts={Object.fromEntries(configFields.map((f) => [f.name, configDraft(f)]))} prefix="config" onChange={(n, t) => setConfigDrafts({ ...configDrafts, [n]: t })} />
            )}
            {restFields.length > 0 && (
              <FieldList fields={restFields} drafts={Object.fromEntries(restFields.map((f) => [f.name, restDraft(f)]))} prefix="config-key" onChange={(n, t) => setConfigDrafts({ ...configDrafts, [`.${n}`]: t })} />
            )}
            {link !== undefined && (configFields.length > 0 || restFields.length > 0 || where.hash !== undefined) && (
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
