/**
 * The viewer page: the samples table and, beside it, the transcript or the
 * tier comparison, driven by the URL's hash and the keyboard. Built with
 * Preact and htm, bundled into one script by `afw view` (lib/view/bundle.ts);
 * it loads nothing from the network.
 */
import { h, render } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import htm from "htm";
import type { HumanLabel, Meta, Nav, ViewQuery } from "../types";
import { normalQuery } from "../engine";
import { formatRoute, parseRoute, type Route } from "./route";
import { HttpSource, StaticSource, type Source } from "./source";
import { Table } from "./table";
import { Compare, Transcript } from "./transcript";

const html = htm.bind(h);

const KEYS: [string, string][] = [
  ["j / ↓", "next row, or next sample in the filter"],
  ["k / ↑", "previous row, or previous sample"],
  ["Enter", "open the row under the cursor"],
  ["Esc", "back (comparison → transcript → table)"],
  ["t", "compare tiers for this sample"],
  ["s", "show or hide the system prompt"],
  ["1 / 2 / 3", "label AF / not AF / unsure"],
  ["0", "clear the label"],
  ["/", "search the transcripts"],
  ["?", "this help"],
];

function App(props: { source: Source }) {
  const { source } = props;
  const [meta, setMeta] = useState<Meta | null>(null);
  const [err, setErr] = useState<string | null>(null);
  const [route, setRoute] = useState<Route>(() => parseRoute(location.hash));
  const [total, setTotal] = useState<number | null>(null);
  const [cursor, setCursorState] = useState(-1);
  const cursorId = useRef<string | null>(null);
  const [nav, setNav] = useState<Nav | null>(null);
  /**
   * The keys read the newest route and neighbours from refs, not from the
   * render they were bound in: a key pressed right after a render, before the
   * listener is bound again, must not act on the previous sample's
   * neighbours. A move asked for before the open sample's neighbours are
   * known is carried out when they arrive.
   */
  const routeNow = useRef(route);
  routeNow.current = route;
  const navNow = useRef<{ id: string; nav: Nav } | null>(null);
  const pendingNav = useRef<"next" | "prev" | null>(null);
  const [version, setVersion] = useState(0);
  const [help, setHelp] = useState(false);
  const [systemOpen, setSystemOpen] = useState(false);
  const [pendingLabel, setPendingLabel] = useState<HumanLabel["label"] | "clear" | null>(null);
  const [search, setSearch] = useState(route.q.s ?? "");
  const searchBox = useRef<HTMLInputElement>(null);
  const searchTimer = useRef<number | undefined>(undefined);

  useEffect(() => {
    source
      .meta()
      .then((m) => {
        setMeta(m);
        document.title = `afw view — ${m.title}`;
      })
      .catch((e: Error) => setErr(e.message));
    const onHash = () => setRoute(parseRoute(location.hash));
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
  }, []);

  const go = (r: Route) => {
    const next = formatRoute(r);
    if (next !== location.hash) location.hash = next;
    else setRoute(parseRoute(next));
  };
  const setQuery = (q: ViewQuery) => {
    setCursorState(-1);
    go({ ...route, q: normalQuery(q) });
  };
  const open = (id: string) => go({ view: "sample", id, q: route.q });

  useEffect(() => setSearch(route.q.s ?? ""), [route.q.s]);

  // where the open sample sits in the filtered list
  useEffect(() => {
    if (!route.id) {
      setNav(null);
      return;
    }
    let live = true;
    const id = route.id;
    source.nav(id, route.q).then((n) => {
      if (!live) return;
      navNow.current = { id, nav: n };
      setNav(n);
      if (n.index >= 0) setCursorState(n.index);
      const dir = pendingNav.current;
      pendingNav.current = null;
      const to = dir === "next" ? n.next : dir === "prev" ? n.prev : null;
      if (to) go({ ...routeNow.current, id: to });
    });
    return () => {
      live = false;
    };
  }, [route.id, JSON.stringify(route.q), version]);

  /** Open the next or previous sample within the filter (now, or as soon as the neighbours are known). */
  const step = (dir: "next" | "prev") => {
    const r = routeNow.current;
    const known = navNow.current;
    if (!known || known.id !== r.id) {
      pendingNav.current = dir;
      return;
    }
    const to = dir === "next" ? known.nav.next : known.nav.prev;
    if (to) go({ ...r, id: to });
  };

  // keyboard
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const route = routeNow.current;
      const t = e.target as HTMLElement;
      const typing = t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT");
      if (typing) {
        if (e.key === "Escape") t.blur();
        return;
      }
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const inSample = route.view === "sample" && route.id;
      switch (e.key) {
        case "?":
          setHelp((x) => !x);
          break;
        case "/":
          searchBox.current?.focus();
          break;
        case "Escape":
          if (help) setHelp(false);
          else if (route.view === "compare") go({ ...route, view: "sample" });
          else if (route.view === "sample") go({ view: "table", id: null, q: route.q });
          break;
        case "j":
        case "ArrowDown":
          if (route.view !== "table") step("next");
          else if (total) setCursorState((c) => Math.min(total - 1, c + 1));
          break;
        case "k":
        case "ArrowUp":
          if (route.view !== "table") step("prev");
          else setCursorState((c) => Math.max(0, c - 1));
          break;
        case "Enter":
          if (route.view === "table" && cursorId.current) open(cursorId.current);
          break;
        case "t":
          if (route.view === "sample") go({ ...route, view: "compare" });
          else if (route.view === "compare") go({ ...route, view: "sample" });
          break;
        case "s":
          if (inSample) setSystemOpen((x) => !x);
          break;
        case "1":
        case "2":
        case "3":
        case "0":
          if (inSample && meta?.canLabel) setPendingLabel(e.key === "0" ? "clear" : (["af", "not_af", "unsure"] as const)[Number(e.key) - 1]);
          break;
        default:
          return;
      }
      e.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  });

  if (err) return html`<div class="error pad">Could not load the viewer's data: ${err}</div>`;
  if (!meta) return html`<div class="dim pad">loading…</div>`;
  const activeFilters = Object.keys(route.q.f ?? {}).length + (route.q.s ? 1 : 0);
  const permalink = route.id ? formatRoute({ view: "sample", id: route.id, q: {} }) : "#/";
  return html`<div class=${`app ${route.view === "table" ? "" : "split"} ${route.view === "compare" ? "comparing" : ""}`}>
    <header>
      <b class="brand">afw view</b>
      <span class="folders" title=${meta.folders.map((f) => `${f.dir} (${f.samples} samples)`).join("\n")}>${meta.title}</span>
      <span id="count" data-total=${total ?? ""}>${total === null ? "…" : `${total.toLocaleString()} of ${meta.total.toLocaleString()} samples`}</span>
      <input
        id="search"
        ref=${searchBox}
        type="search"
        placeholder="search transcripts (/)"
        value=${search}
        onInput=${(e: Event) => {
          const v = (e.target as HTMLInputElement).value;
          setSearch(v);
          window.clearTimeout(searchTimer.current);
          searchTimer.current = window.setTimeout(() => setQuery({ ...route.q, s: v }), 300);
        }}
        onKeyDown=${(e: KeyboardEvent) => {
          if (e.key === "Enter") {
            window.clearTimeout(searchTimer.current);
            setQuery({ ...route.q, s: (e.target as HTMLInputElement).value });
          }
        }}
      />
      ${activeFilters ? html`<button id="clear-filters" onClick=${() => setQuery({ o: route.q.o })}>clear ${activeFilters} filter${activeFilters > 1 ? "s" : ""}</button>` : null}
      ${source.static ? html`<span class="dim">static export (read-only)</span>` : null}
      <span class="grow"></span>
      <button onClick=${() => setHelp(true)} title="keyboard (?)">?</button>
    </header>
    <main>
      <section class="table-pane">
        <${Table}
          source=${source}
          columns=${meta.columns}
          q=${route.q}
          version=${version}
          setQuery=${setQuery}
          selectedId=${route.id}
          cursor=${cursor}
          setCursor=${(i: number, id: string | null) => {
            cursorId.current = id;
            if (i !== cursor) setCursorState(i);
          }}
          open=${open}
          onTotal=${setTotal}
        />
      </section>
      ${route.view === "sample" && route.id
        ? html`<${Transcript}
            source=${source}
            id=${route.id}
            nav=${nav}
            canLabel=${meta.canLabel}
            systemOpen=${systemOpen}
            setSystemOpen=${setSystemOpen}
            go=${(id: string) => go({ ...route, id })}
            close=${() => go({ view: "table", id: null, q: route.q })}
            compare=${() => go({ ...route, view: "compare" })}
            onLabelled=${() => setVersion((v) => v + 1)}
            pendingLabel=${pendingLabel}
            clearPendingLabel=${() => setPendingLabel(null)}
            permalink=${permalink}
          />`
        : null}
      ${route.view === "compare" && route.id
        ? html`<${Compare} source=${source} id=${route.id} back=${() => go({ ...route, view: "sample" })} open=${(id: string) => go({ ...route, view: "sample", id })} />`
        : null}
    </main>
    ${help
      ? html`<div class="overlay" onClick=${() => setHelp(false)}>
          <div class="help" onClick=${(e: Event) => e.stopPropagation()}>
            <h3>Keyboard</h3>
            <table>${KEYS.map(([k, v]) => html`<tr><td><kbd>${k}</kbd></td><td>${v}</td></tr>`)}</table>
            <p class="dim">Filters: pick a value, or type <code>>=0.4</code>, <code>&lt;100</code>, <code>0.2..0.5</code> for numbers. Search: every word must occur; "quoted phrases" stay together.</p>
            ${meta.canLabel ? html`<p class="dim">Labels go to ${meta.folders.map((f) => f.labels).join(", ")} (read by <code>afw validate-judge</code>).</p>` : null}
          </div>
        </div>`
      : null}
  </div>`;
}

const data = window.__AFW_STATIC__;
const source: Source = data ? new StaticSource(data) : new HttpSource();
render(html`<${App} source=${source} />`, document.getElementById("app")!);
