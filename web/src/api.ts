// The typed HTTP client. The session is the hub's httpOnly cookie, so no token is kept here.
import type {
  Accepted,
  AuditPage,
  JudgingStatus,
  RejudgeQueued,
  Announcement,
  Clarification,
  ContestList,
  ContestStats,
  ContestSubmission,
  ContestView,
  ErrorBody,
  BoardFilters,
  Leaderboard,
  LoginResult,
  MedalsBody,
  Catalogue,
  ContestSettings,
  GroupBody,
  InviteTarget,
  OrganisedContest,
  OrganizationBody,
  ProblemDetail,
  ProblemList,
  TeamView,
  Profile,
  PublicProfile,
  ReplayBoard,
  VirtualView,
  Registration,
  RunOutcome,
  SubmissionView,
  UserInfo,
} from "./protocol";
import { draftsBelongTo, forgetDrafts } from "./drafts";

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
    readonly retryAfterS: number | null,
  ) {
    super(friendly(status, body, retryAfterS));
  }
}

/** The hub's error in words a contestant understands. */
export function friendly(status: number, body: ErrorBody, retryAfterS: number | null): string {
  switch (body.error) {
    case "not_running":
      return "The contest is not running: submissions are closed.";
    case "contest_ended":
      return "Contest has ended.";
    case "not_started":
      return "The contest has not started yet.";
    case "too_large":
      return body.message.includes("source") ? "Code is larger than 64 KiB." : body.message;
    case "empty_source":
      return "The code is empty.";
    case "rate_limited":
      return `Too many requests: try again in ${retryAfterS ?? 60} s.`;
    case "not_registered":
      return "Register for the contest first.";
    case "registration_closed":
      return "Registration for this contest is closed.";
    case "disqualified":
      return "You are disqualified from this contest.";
    case "bad_credentials":
      return "Wrong username or password.";
    case "taken":
      return "This username is already taken.";
    case "unauthenticated":
      return "Please log in first.";
    case "busy":
      return "All sandboxes are busy: try again in a moment.";
    case "bad_language":
      return `This language is not accepted (${(body.allowed ?? []).join(", ")}).`;
    default:
      return status >= 500 ? "The server had a problem; try again." : body.message;
  }
}

export async function call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const init: RequestInit = { method, credentials: "same-origin", headers: { ...headers } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    (init.headers as Record<string, string>)["Content-Type"] = "application/json";
  }
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiFailure(0, { error: "offline", message: "Cannot reach Arena: check your connection." }, null);
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = { error: "bad_response", message: text.slice(0, 200) };
  }
  if (!response.ok) {
    const retry = response.headers.get("Retry-After");
    const err = (data ?? { error: "http", message: response.statusText }) as ErrorBody;
    throw new ApiFailure(response.status, err, retry ? Number(retry) : null);
  }
  return data as T;
}

/** A fresh key for one submit (crypto.randomUUID needs a secure context; this does not). */
export function idempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

const RETRIED = new Set([0, 502, 503, 504]); // no answer, or none from Arena itself

/**
 * A submit, retried with the same Idempotency-Key when its answer is lost: the hub answers a
 * retry with the submission the first try made, so a timeout never makes a second one.
 */
async function submitOnce<T>(path: string, body: unknown): Promise<T> {
  const headers = { "Idempotency-Key": idempotencyKey() };
  for (let attempt = 1; ; attempt++) {
    try {
      return await call<T>("POST", path, body, headers);
    } catch (err) {
      if (!(err instanceof ApiFailure) || !RETRIED.has(err.status) || attempt >= 3) throw err;
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
  }
}

const q = (params: Record<string, string | number | undefined>): string => {
  const parts = Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== "")
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return parts.length ? `?${parts.join("&")}` : "";
};

export const api = {
  register: (username: string, password: string) =>
    call<UserInfo>("POST", "/api/auth/register", { username, password }),
  login: (username: string, password: string) =>
    call<LoginResult>("POST", "/api/auth/login", { username, password }),
  /** Ends the session; this browser's code drafts go first (a shared computer), whatever happens. */
  logout: async () => {
    forgetDrafts();
    await call<void>("POST", "/api/auth/logout");
  },
  me: () => call<Profile>("GET", "/api/me"),
  virtual: (cid: number) => call<VirtualView>("GET", `/api/contests/${cid}/virtual`),
  startVirtual: (cid: number) => call<VirtualView>("POST", `/api/contests/${cid}/virtual`),
  virtualSubmit: (cid: number, problem: string, language: string, source: string) =>
    call<Accepted>("POST", `/api/contests/${cid}/virtual/submissions`, { problem, language, source }),
  virtualBoard: (cid: number) => call<ReplayBoard>("GET", `/api/contests/${cid}/virtual/board`),
  upsolve: (cid: number, problem: string, language: string, source: string) =>
    call<Accepted>("POST", `/api/contests/${cid}/upsolve`, { problem, language, source }),
  upsolveBoard: (cid: number) => call<ReplayBoard>("GET", `/api/contests/${cid}/upsolve/board`),
  user: (name: string) => call<PublicProfile>("GET", `/api/users/${encodeURIComponent(name)}`),
  problems: (page: number, tag?: string, difficulty?: string, search?: string) =>
    call<ProblemList>("GET", `/api/problems${q({ page, tag, difficulty, q: search })}`),
  problem: (slug: string, lang?: string) =>
    call<ProblemDetail>("GET", `/api/problems/${encodeURIComponent(slug)}${lang ? `?lang=${encodeURIComponent(lang)}` : ""}`),
  like: (slug: string, on: boolean) =>
    call<{ likes: number; liked: boolean }>(on ? "POST" : "DELETE", `/api/problems/${encodeURIComponent(slug)}/like`),
  practiceSubmit: (slug: string, language: string, source: string) =>
    submitOnce<Accepted>(`/api/problems/${encodeURIComponent(slug)}/submissions`, { language, source }),
  run: (slug: string, language: string, source: string, input?: string) =>
    call<RunOutcome>("POST", `/api/problems/${encodeURIComponent(slug)}/run`, { language, source, input }),
  contestRun: (cid: number, label: string, language: string, source: string, input?: string) =>
    call<RunOutcome>("POST", `/api/contests/${cid}/problems/${encodeURIComponent(label)}/run`, {
      language,
      source,
      input,
    }),
  submission: (id: number) => call<SubmissionView>("GET", `/api/submissions/${id}`),
  contests: () => call<ContestList>("GET", "/api/contests"),
  contest: (cid: number) => call<ContestView>("GET", `/api/contests/${cid}`),
  registerFor: (cid: number) => call<ContestView>("POST", `/api/contests/${cid}/register`),
  contestProblem: (cid: number, label: string, lang?: string) =>
    call<ProblemDetail>("GET", `/api/contests/${cid}/problems/${encodeURIComponent(label)}${lang ? `?lang=${encodeURIComponent(lang)}` : ""}`),
  contestSubmit: (cid: number, problem: string, language: string, source: string) =>
    submitOnce<Accepted>(`/api/contests/${cid}/submissions`, { problem, language, source }),
  leaderboard: (cid: number, page: number, board?: string, organization?: string, group?: string) =>
    call<Leaderboard>("GET", `/api/contests/${cid}/leaderboard${q({ page, board, organization, group })}`),
  boardFilters: (cid: number) => call<BoardFilters>("GET", `/api/contests/${cid}/board-filters`),
  mySubmissions: (cid: number) =>
    call<ContestSubmission[]>("GET", `/api/contests/${cid}/submissions?mine=1`),
  allSubmissions: (cid: number) => call<ContestSubmission[]>("GET", `/api/contests/${cid}/submissions`),
  clarifications: (cid: number) => call<Clarification[]>("GET", `/api/contests/${cid}/clarifications`),
  ask: (cid: number, question: string, problem?: string) =>
    call<Clarification>("POST", `/api/contests/${cid}/clarifications`, { question, problem }),
  announcements: (cid: number) => call<Announcement[]>("GET", `/api/contests/${cid}/announcements`),
  stats: (cid: number) => call<ContestStats>("GET", `/api/contests/${cid}/stats`),
  registrations: (cid: number, prefix: string) =>
    call<Registration[]>("GET", `/api/contests/${cid}/registrations${q({ q: prefix })}`),
  medals: (cid: number) => call<MedalsBody>("GET", `/api/contests/${cid}/medals`),
  setMedals: (cid: number, medals: MedalsBody) => call<MedalsBody>("PUT", `/api/contests/${cid}/medals`, medals),
  judgingStatus: () => call<JudgingStatus>("GET", "/api/admin/judging"),
  rejudgeSubmission: (id: number) => call<RejudgeQueued>("POST", `/api/admin/submissions/${id}/rejudge`),
  audit: (filter: { action?: string; contest?: string; actor?: string; before?: number }) =>
    call<AuditPage>("GET", `/api/admin/audit${q({ action: filter.action ?? "", contest: filter.contest ?? "", actor: filter.actor ?? "", before: filter.before ? String(filter.before) : "" })}`),
  registerWith: (cid: number, body: { invite?: string; team_name?: string; join_code?: string; organization?: string | null; groups?: string[] }) =>
    call<ContestView>("POST", `/api/contests/${cid}/register`, body),
  invite: (code: string) => call<InviteTarget>("GET", `/api/invites/${encodeURIComponent(code)}`),
  // The organisers' editor.
  organisedContests: () => call<OrganisedContest[]>("GET", "/api/organise/contests"),
  organisedContest: (cid: number) => call<OrganisedContest>("GET", `/api/organise/contests/${cid}`),
  createContest: (settings: ContestSettings) => call<OrganisedContest>("POST", "/api/organise/contests", settings),
  updateContest: (cid: number, settings: ContestSettings) =>
    call<OrganisedContest>("PUT", `/api/organise/contests/${cid}`, settings),
  deleteContest: (cid: number) => call<void>("DELETE", `/api/organise/contests/${cid}`),
  cloneContest: (cid: number, name: string, start: string) =>
    call<OrganisedContest>("POST", `/api/organise/contests/${cid}/clone`, { name, start }),
  newInvite: (cid: number) => call<OrganisedContest>("POST", `/api/organise/contests/${cid}/invite`),
  teams: (cid: number) => call<TeamView[]>("GET", `/api/organise/contests/${cid}/teams`),
  createTeam: (cid: number, team: { name: string; members: string[]; organization: string | null; groups: string[] }) =>
    call<TeamView>("POST", `/api/organise/contests/${cid}/teams`, team),
  updateTeam: (cid: number, teamId: number, team: { name: string; organization: string | null; groups: string[] }) =>
    call<TeamView>("PUT", `/api/organise/contests/${cid}/teams/${teamId}`, team),
  myTeam: (cid: number) => call<TeamView>("GET", `/api/contests/${cid}/team`),
  teamChoices: () => call<Catalogue>("GET", "/api/team-choices"),
  catalogue: () => call<Catalogue>("GET", "/api/organise/catalogue"),
  saveOrganization: (org: OrganizationBody) => call<Catalogue>("PUT", "/api/organise/organizations", org),
  saveGroup: (group: GroupBody) => call<Catalogue>("PUT", "/api/organise/groups", group),
};

/** Who is logged in: read from /api/me once, then kept; null when logged out. */
let current: UserInfo | null | undefined;
/** The contests listing the current user as a moderator (from the same /api/me). */
let listed: ReadonlySet<number> = new Set();

export async function whoami(): Promise<UserInfo | null> {
  if (current !== undefined) return current;
  try {
    const me = await api.me();
    current = me.user;
    listed = new Set(me.moderates);
    draftsBelongTo(current.id);
  } catch {
    current = null;
    listed = new Set();
  }
  return current;
}

/** After a login (the next whoami() reads /api/me again, for the contests they moderate) or a logout. */
export function setUser(user: UserInfo | null): void {
  current = user === null ? null : undefined;
  listed = new Set();
  if (user !== null) draftsBelongTo(user.id);
}

/** A global role: moderates every contest (the organise pages follow this, not a contest's list). */
export const isModerator = (user: UserInfo | null): boolean =>
  user !== null && (user.role === "moderator" || user.role === "admin");

/** Whether the user moderates this contest: a global role, or the contest lists them
 * (arena/storage/moderators.py; the hub checks it again for every command). */
export const moderates = (user: UserInfo | null, contestId: number): boolean =>
  isModerator(user) || (user !== null && user.id === current?.id && listed.has(contestId));
