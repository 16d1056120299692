// The hub's wire formats, by hand from arena/protocol/hub.py (HTTP bodies) and live.py (socket
// messages). One file, so a change of the protocol is one diff here.

export type Verdict = "AC" | "WA" | "TLE" | "MLE" | "RTE" | "OLE" | "CE" | "JE";

export interface ErrorBody {
  error: string;
  message: string;
  allowed?: string[];
}

export interface UserInfo {
  id: number;
  username: string;
  role: string;
}

export interface LoginResult {
  token: string;
  user: UserInfo;
}

export interface PastContest {
  contest_id: number;
  name: string;
  rank: number;
  solved: number;
  penalty: number;
  score: number;
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

export interface Profile {
  user: UserInfo;
  contests: PastContest[];
  submissions: SubmissionSummary[];
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

export interface ProblemList {
  items: ProblemSummary[];
  page: number;
  page_size: number;
  total: number;
}

export interface Sample {
  name: string;
  input: string;
  output: string;
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
  code_stubs: Record<string, string>;
  languages: string[];
  likes: number;
  liked: boolean;
  solved: boolean;
}

export interface ContestProblemView {
  label: string;
  slug: string;
  title: string;
  points: number;
  color: string | null;
}

export interface ContestView {
  id: number;
  name: string;
  start: string;
  end: string;
  phase: "upcoming" | "running" | "ended";
  scoring: string; // "pass-fail" or "score"
  frozen: boolean;
  freeze_time: string | null;
  registration_open: boolean;
  registered: boolean;
  public: boolean;
  problems: ContestProblemView[];
}

export interface ContestList {
  upcoming: ContestView[];
  running: ContestView[];
  past: ContestView[];
}

export interface Accepted {
  id: number;
}

export interface TestResult {
  name: string;
  verdict: Verdict;
  time_ms: number;
  memory_kib: number;
  wall_ms?: number;
  message?: string;
}

export interface RunOutcome {
  verdict: Verdict;
  compile_output: string;
  tests: TestResult[];
  outputs: string[];
}

export interface SubmissionView {
  id: number;
  user_id: number;
  problem: string;
  contest_id: number | null;
  language: string;
  status: string; // queued, judging, done, failed
  verdict: string | null;
  score: number | null;
  time_ms: number | null;
  memory_kib: number | null;
  submitted_at: string;
  compile_output: string | null;
  tests: TestResult[];
  source: string | null;
}

export interface BoardCell {
  attempts?: number;
  pending?: number;
  solved?: boolean;
  minute?: number | null;
  score?: number | null;
  first?: boolean;
}

export interface BoardRow {
  user_id: number;
  username: string;
  rank: number;
  solved: number;
  penalty: number;
  score: number;
  key: number;
  cells: Record<string, BoardCell>;
}

export interface Leaderboard {
  contest_id: number;
  board: string;
  frozen: boolean;
  seq: number;
  page: number;
  page_size: number;
  total: number;
  rows: BoardRow[];
  me: BoardRow | null;
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

export interface Announcement {
  id: number;
  body: string;
  created_at: string;
}

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

export interface ProblemStats {
  label: string;
  verdicts: Record<string, number>;
  timeline: number[];
}

export interface ContestStats {
  contest_id: number;
  board: string;
  bucket_s: number;
  buckets: number;
  problems: ProblemStats[];
}

export interface Registration {
  user_id: number;
  username: string;
  registered_at: string;
  disqualified: boolean;
}

// --- sockets -------------------------------------------------------------------------------------

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
  score?: number | null;
}

export interface LeaderboardDelta {
  kind: "leaderboard_delta";
  board: string;
  frozen: boolean;
  total: number;
  rows: BoardRow[];
  removed?: number[];
}

export interface AnnouncementMade {
  kind: "announcement";
  announcement: Announcement;
}

export interface ClarificationUpdate {
  kind: "clarification";
  clarification: Clarification;
}

export interface ContestChanged {
  kind: "contest";
  contest: ContestView;
  reason: string; // extended, frozen, unfrozen, finalized, registration
}

export type ContestEvent =
  | SubmissionProgress
  | SubmissionJudged
  | LeaderboardDelta
  | AnnouncementMade
  | ClarificationUpdate
  | ContestChanged;

export interface Envelope {
  seq: number;
  audience: string;
  body: ContestEvent;
}

export interface Snapshot {
  kind: "snapshot";
  seq: number;
  contest: ContestView;
  leaderboard: Leaderboard;
  announcements: Announcement[];
}

export interface ErrorFrame {
  kind: "error";
  message: string;
  request_id?: string;
}

export interface Ack {
  kind: "ack";
  request_id: string | null;
  action: string;
  detail: string;
}

export type AdminCommand =
  | { action: "announce"; contest_id: number; body: string }
  | { action: "answer"; clarification_id: number; answer: string; public?: boolean }
  | { action: "rejudge"; contest_id: number; submission_id?: number; problem?: string }
  | { action: "disqualify" | "reinstate"; contest_id: number; user_id: number }
  | { action: "extend"; contest_id: number; seconds: number }
  | { action: "freeze" | "unfreeze"; contest_id: number }
  | { action: "registration"; contest_id: number; open: boolean };
