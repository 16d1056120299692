// Generated from the msgspec Structs (arena/protocol/web.py) by web/scripts/protocol.mjs:
// do not edit. After changing a Struct, run `make protocol`.

export type AdminCommand =
  | Announce
  | Answer
  | RejudgeCommand
  | Disqualify
  | Reinstate
  | ExtendTime
  | ExtendContestant
  | Freeze
  | Unfreeze
  | SetRegistration;
/**
 * Which leaderboard: the public one (frozen during the freeze) or the jury's (never).
 */
export type Board = "jury" | "public";
/**
 * How a contest ranks: ICPC (solved, then penalty) or IOI (the sum of scores).
 */
export type Scoring = "pass-fail" | "score";
export type ContestEvent =
  | SubmissionProgress
  | SubmissionJudged
  | LeaderboardDelta
  | AnnouncementMade
  | ClarificationUpdate
  | ContestChanged;
/**
 * Judgement types with their ICPC Contest API ids.
 */
export type Verdict = "AC" | "CE" | "JE" | "MLE" | "OLE" | "RTE" | "TLE" | "WA";
/**
 * How a contest ranks: ICPC (solved, then penalty) or IOI (the sum of scores).
 */
export type Scoring1 = "pass-fail" | "score";

export interface Accepted {
  id: number;
}
export interface Ack {
  kind: "ack";
  request_id: string | null;
  action: string;
  detail: string;
}
export interface Announce {
  action: "announce";
  contest_id: number;
  body: string;
  request_id?: string | null;
}
export interface Answer {
  action: "answer";
  clarification_id: number;
  answer: string;
  public?: boolean;
  request_id?: string | null;
}
export interface RejudgeCommand {
  action: "rejudge";
  contest_id: number;
  submission_id?: number | null;
  problem?: string | null;
  request_id?: string | null;
}
export interface Disqualify {
  action: "disqualify";
  contest_id: number;
  user_id: number;
  reason?: string;
  request_id?: string | null;
}
export interface Reinstate {
  action: "reinstate";
  contest_id: number;
  user_id: number;
  request_id?: string | null;
}
export interface ExtendTime {
  action: "extend";
  contest_id: number;
  seconds: number;
  request_id?: string | null;
}
/**
 * Set one contestant's own time past the contest's end (0 takes it back).
 */
export interface ExtendContestant {
  action: "extend_contestant";
  contest_id: number;
  user_id: number;
  seconds: number;
  request_id?: string | null;
}
export interface Freeze {
  action: "freeze";
  contest_id: number;
  request_id?: string | null;
}
export interface Unfreeze {
  action: "unfreeze";
  contest_id: number;
  request_id?: string | null;
}
export interface SetRegistration {
  action: "registration";
  contest_id: number;
  open: boolean;
  request_id?: string | null;
}
export interface Announcement {
  id: number;
  body: string;
  created_at: string;
}
export interface AnnouncementMade {
  kind: "announcement";
  announcement: Announcement;
}
export interface AuditEntry {
  id: number;
  action: string;
  contest_id: number | null;
  actor: string | null;
  details: string;
  created_at: string;
}
export interface AuditPage {
  entries: AuditEntry[];
  actions: string[];
  next_before: number | null;
}
export interface BoardCell {
  attempts?: number;
  pending?: number;
  solved?: boolean;
  minute?: number | null;
  score?: number | null;
  first?: boolean;
}
export interface BoardFilter {
  id: string;
  name: string;
}
/**
 * What the board can be filtered by: its teams' organizations and visible groups.
 */
export interface BoardFilters {
  organizations: BoardOrganization[];
  groups: BoardFilter[];
}
export interface BoardOrganization {
  id: string;
  name: string;
  logo: string | null;
}
export interface BoardRow {
  user_id: number;
  username: string;
  rank: number;
  solved: number;
  penalty: number;
  score: number;
  key: number;
  cells: {
    [k: string]: BoardCell;
  };
  rating: number | null;
}
/**
 * The organizations and groups teams may name.
 */
export interface Catalogue {
  organizations: OrganizationBody[];
  groups: GroupBody[];
}
export interface OrganizationBody {
  id: string;
  name: string;
  formal_name: string | null;
  country: string | null;
}
export interface GroupBody {
  id: string;
  name: string;
  hidden: boolean;
}
export interface CheckSummary {
  state: string;
  submissions: number;
  mismatched: number;
  inputs: number;
  rejected: number;
}
export interface Clarification {
  id: number;
  problem: string | null;
  question: string;
  answer: string | null;
  public: boolean;
  asked_at: string;
  answered_at: string | null;
}
export interface ClarificationUpdate {
  kind: "clarification";
  clarification: Clarification;
}
export interface ContestChanged {
  kind: "contest";
  contest: ContestView;
  reason: string;
}
export interface ContestView {
  id: number;
  name: string;
  start: string;
  end: string;
  phase: string;
  scoring: Scoring;
  frozen: boolean;
  freeze_time: string | null;
  registration_open: boolean;
  registered: boolean;
  public: boolean;
  problems: ContestProblemView[];
  my_end: string | null;
  my_extra_s: number;
}
export interface ContestProblemView {
  label: string;
  slug: string;
  title: string;
  points: number;
  color: string | null;
}
export interface SubmissionProgress {
  kind: "submission_progress";
  submission_id: number;
  attempt: number;
  user_id: number;
  contest_id: number | null;
  index: number;
  total: number;
  result: TestResult;
}
export interface TestResult {
  name: string;
  verdict: Verdict;
  time_ms: number;
  memory_kib: number;
  wall_ms: number;
  message: string;
}
export interface SubmissionJudged {
  kind: "submission_judged";
  submission_id: number;
  attempt: number;
  user_id: number;
  contest_id: number | null;
  problem_id: number;
  verdict: Verdict;
  time_ms: number;
  memory_kib: number;
  score: number | null;
}
export interface LeaderboardDelta {
  kind: "leaderboard_delta";
  board: Board;
  frozen: boolean;
  total: number;
  rows: BoardRow[];
  removed: number[];
}
export interface ContestList {
  upcoming: ContestView[];
  running: ContestView[];
  past: ContestView[];
}
/**
 * Everything the editor sets, as one value: an edit replaces the whole.
 */
export interface ContestSettings {
  name: string;
  start: string;
  duration_s: number;
  freeze_duration_s: number;
  penalty_minutes: number;
  scoring: Scoring1;
  visibility: string;
  registration_start: string | null;
  registration_end: string | null;
  max_team_size: number;
  problems: EditProblem[];
}
export interface EditProblem {
  slug: string;
  label: string;
  color: string | null;
  points: number;
}
export interface ContestStats {
  contest_id: number;
  board: Board;
  bucket_s: number;
  buckets: number;
  problems: ProblemStats[];
}
export interface ProblemStats {
  label: string;
  verdicts: {
    [k: string]: number;
  };
  timeline: number[];
}
/**
 * A row of a contest's submission list (mine, or everyone's for moderators).
 */
export interface ContestSubmission {
  id: number;
  user_id: number;
  username: string;
  problem: string;
  language: string;
  status: string;
  verdict: string | null;
  score: number | null;
  time_ms: number | null;
  submitted_at: string;
}
export interface Editorial {
  problem: string;
  html: string;
  updated_at: string;
  markdown: string | null;
}
export interface Envelope {
  seq: number;
  audience: string;
  body: unknown;
  ts?: number | null;
}
/**
 * Every 4xx/5xx answer of the HTTP API.
 */
export interface ErrorBody {
  error: string;
  message: string;
  allowed?: string[] | null;
}
export interface ErrorFrame {
  kind: "error";
  message: string;
  request_id?: string | null;
}
export interface FailedJudgingView {
  submission_id: number;
  contest_id: number | null;
  username: string;
  problem: string;
  language: string;
  attempt: number;
  judge_errors: number;
  error: string | null;
  worker: string | null;
  submitted_at: string;
}
/**
 * One test input through one input validator (exit 42: valid).
 */
export interface InputCheck {
  validator: string;
  test: string;
  outcome: string;
  note?: string;
}
export interface InviteTarget {
  contest_id: number;
  name: string;
}
export interface JudgingStatus {
  workers: WorkerView[];
  queues: QueueView[];
  attention: FailedJudgingView[];
}
export interface WorkerView {
  name: string;
  host: string;
  pid: number;
  slots: number;
  busy: number;
  queues: string[];
  started_at: string;
  last_heartbeat: string;
  heartbeat_age_s: number;
  alive: boolean;
}
export interface QueueView {
  name: string;
  ready: number;
  deferred: number;
}
/**
 * A row of the language table as the problem page's menu shows it.
 */
export interface LanguageOption {
  id: string;
  name: string;
  version: string;
  compile: string;
}
export interface Leaderboard {
  contest_id: number;
  board: Board;
  frozen: boolean;
  seq: number;
  page: number;
  page_size: number;
  total: number;
  rows: BoardRow[];
  organization: string | null;
  group: string | null;
  me: BoardRow | null;
}
export interface LoginResult {
  token: string;
  user: UserInfo;
}
export interface UserInfo {
  id: number;
  username: string;
  role: string;
}
/**
 * How many gold, silver and bronze medals a contest awards (by rank; ties share).
 */
export interface MedalsBody {
  gold: number;
  silver: number;
  bronze: number;
}
export interface OrganisedContest {
  id: number;
  settings: ContestSettings;
  invite_code: string | null;
  submissions: number;
  phase: string;
}
/**
 * An organization's logo as stored: where it is served, its checked type and size.
 */
export interface OrganizationLogo {
  href: string;
  mime: string;
  width: number;
  height: number;
  sha256: string;
}
/**
 * The check of a staged version; ``state`` is "running", "passed", "failed" (a mismatch or
 * a rejected input) or "error" (the check could not finish: ``message`` says why).
 */
export interface PackageCheck {
  state: string;
  inputs: InputCheck[];
  submissions: SubmissionCheck[];
  message: string;
}
/**
 * One file of ``submissions/<folder>/`` judged against the verdict its folder promises.
 */
export interface SubmissionCheck {
  folder: string;
  file: string;
  expected: string;
  outcome: string;
  verdict?: string;
  time_ms?: number;
  note?: string;
}
export interface PastContest {
  contest_id: number;
  name: string;
  rank: number;
  solved: number;
  penalty: number;
  score: number;
}
export interface PlagiarismPair {
  problem: string;
  language: string;
  similarity: number;
  a: PlagiarismSide;
  b: PlagiarismSide;
  regions: number[][];
}
export interface PlagiarismSide {
  submission_id: number;
  user_id: number;
  username: string;
  disqualified: boolean;
  source: string;
}
export interface PlagiarismReport {
  run: PlagiarismRun;
  pairs: PlagiarismPair[];
}
export interface PlagiarismRun {
  id: number;
  contest_id: number;
  status: string;
  all_submissions: boolean;
  threshold: number;
  compared: number;
  pairs: number;
  message: string;
  created_at: string;
  finished_at: string | null;
}
export interface PlagiarismRuns {
  runs: PlagiarismRun[];
}
export interface ProblemDetail {
  slug: string;
  title: string;
  difficulty: string;
  tags: string[];
  statement_html: string;
  samples: Sample[];
  time_limit_ms: number;
  memory_mib: number;
  code_stubs: {
    [k: string]: string;
  };
  languages: string[];
  likes: number;
  liked: boolean;
  solved: boolean;
  language_options: LanguageOption[];
  function_problem: boolean;
  author: string;
  source: string;
  statement_langs: string[];
  statement_lang: string;
}
export interface Sample {
  name: string;
  input: string;
  output: string;
}
export interface ProblemList {
  items: ProblemSummary[];
  page: number;
  page_size: number;
  total: number;
}
export interface ProblemSummary {
  slug: string;
  title: string;
  difficulty: string;
  tags: string[];
  likes: number;
  accepted: number;
  submissions: number;
  solved: boolean;
}
export interface ProblemMeta {
  slug: string;
  title: string;
  difficulty: string;
  tags: string[];
  author: string;
  source: string;
  version: number;
  meta_rev: number;
  package_langs: string[];
  statement_langs: string[];
  statement_lang: string;
}
/**
 * A live problem's metadata as the editor saves it (the whole, not a patch).
 */
export interface ProblemMetaBody {
  title: string;
  difficulty: string;
  tags: string[];
  author: string;
  source: string;
  meta_rev: number | null;
  statement_langs: string[] | null;
  statement_lang: string | null;
}
export interface ProblemUpload {
  id: number;
  slug: string;
  status: string;
  problem_id: number | null;
  version: number | null;
  test_count: number | null;
  error: string | null;
  created_at: string;
  published_at: string | null;
  check: CheckSummary | null;
  notice: string | null;
}
/**
 * Pushed on the admins' sockets (/ws/admin) when an upload changes status.
 */
export interface ProblemUploadChanged {
  type: "problem_upload";
  upload: ProblemUpload;
}
/**
 * Pushed on the admins' sockets as the check goes: one row, as soon as it is known.
 */
export interface ProblemUploadChecked {
  type: "problem_upload_check";
  upload_id: number;
  submission: SubmissionCheck | null;
  input: InputCheck | null;
}
export interface ProblemUploads {
  uploads: ProblemUpload[];
}
export interface Profile {
  user: UserInfo;
  contests: PastContest[];
  submissions: SubmissionSummary[];
  rating: Rating | null;
  moderates: number[];
}
export interface SubmissionSummary {
  id: number;
  problem: string;
  contest_id: number | null;
  language: string;
  status: string;
  verdict: string | null;
  score: number | null;
  submitted_at: string;
}
/**
 * A user's rating (docs/rating.md): current value, title, rank among all rated users.
 */
export interface Rating {
  rating: number;
  title: string;
  color: string;
  total_rank: number;
  rated_users: number;
  contests: number;
  history: RatingPoint[];
}
export interface RatingPoint {
  contest_id: number;
  contest: string;
  at: string;
  place: number;
  old_rating: number;
  new_rating: number;
}
/**
 * Anyone's profile as everyone sees it: the rating and the final standings.
 */
export interface PublicProfile {
  user_id: number;
  username: string;
  contests: PastContest[];
  rating: Rating | null;
}
export interface Registration {
  user_id: number;
  username: string;
  registered_at: string;
  disqualified: boolean;
  extra_s: number;
  team: string | null;
  members: string[];
}
export interface RejudgeQueued {
  submission_id: number;
  attempt: number;
}
/**
 * A board computed on demand: ``virtual`` (the real contestants as they stood at the
 * caller's elapsed time, with the caller's virtual row) or ``upsolve`` (official and upsolve
 * submissions together).
 */
export interface ReplayBoard {
  contest_id: number;
  kind: string;
  elapsed_s: number | null;
  frozen: boolean;
  virtual_user_id: number | null;
  rows: BoardRow[];
}
export interface RunOutcome {
  verdict: Verdict;
  compile_output: string;
  tests: TestResult[];
  outputs: string[];
}
export interface SharedSolution {
  submission_id: number;
  user_id: number;
  username: string;
  language: string;
  time_ms: number | null;
  memory_kib: number | null;
  submitted_at: string;
  source: string;
}
export interface Sharing {
  submission_id: number;
  hidden: boolean;
}
/**
 * Sent on connect and after a gap too old for the history: start over from this state.
 */
export interface Snapshot {
  kind: "snapshot";
  seq: number;
  contest: ContestView;
  leaderboard: Leaderboard;
  announcements: Announcement[];
}
export interface SolutionList {
  items: SharedSolution[];
  page: number;
  page_size: number;
  total: number;
}
export interface SubmissionView {
  id: number;
  user_id: number;
  problem: string;
  contest_id: number | null;
  language: string;
  status: string;
  verdict: string | null;
  score: number | null;
  time_ms: number | null;
  memory_kib: number | null;
  submitted_at: string;
  compile_output: string | null;
  tests: TestResult[];
  source: string | null;
  mode: string;
}
export interface TeamView {
  id: number;
  name: string;
  members: string[];
  organization: string | null;
  groups: string[];
  join_code: string | null;
  disqualified: boolean;
}
/**
 * The caller's virtual participation in a finished contest (its full duration).
 */
export interface VirtualView {
  id: number;
  contest_id: number;
  started_at: string;
  ends_at: string;
  duration_s: number;
  elapsed_s: number;
  running: boolean;
}

export const MAX_SOURCE_BYTES = 65536;
export const RATING_TITLES = [[3000,"legendary grandmaster","#aa0000"],[2600,"international grandmaster","#ff0000"],[2400,"grandmaster","#ff0000"],[2300,"international master","#ff8c00"],[2100,"master","#ff8c00"],[1900,"candidate master","#aa00aa"],[1600,"expert","#0000ff"],[1400,"specialist","#03a89e"],[1200,"pupil","#008000"],[-1000000,"newbie","#808080"]];
