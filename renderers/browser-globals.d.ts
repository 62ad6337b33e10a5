// What the site's scripts (renderers/site/static/) and the LMS bridge
// (renderers/packages/static/) share through `window`. They are plain scripts loaded in
// order, not modules, so `tsc --checkJs` (tests/test_javascript.py) learns these names
// here; an assignment like `window.lessonkit = {...}` is checked against them.

/** The course data the site renderer writes into every page (renderers/site/site.py);
 * its shape is decided in Python, so it is not restated here. */
type LessonkitCourseData = any;

/** The LMS settings the packager writes before the bridge (renderers/packages/bridge.py). */
type LessonkitLmsConfig = any;

/** What engine/grading/score.py's `grade` returns, as grading.js computes it. */
interface LessonkitGradeResult {
  fraction: number;
  score: number;
  points: number;
  maxPoints: number;
  answered: boolean;
  correct: boolean;
  parts: unknown;
}

type LessonkitGrade = (question: any, response: any, hintsUsed: number) => LessonkitGradeResult;

interface LessonkitChapterScore {
  answered: number;
  total: number;
  score: number;
  maxScore: number;
}

/** lessonkit.js's interface for quiz.js and search.js. */
interface LessonkitSite {
  course: LessonkitCourseData;
  state(): any;
  t(key: string, params?: Record<string, string | number>): string;
  formatNumber(value: number, decimals?: number): string;
  formatPercent(fraction: number): string;
  formatDate(ms: number): string;
  chapterScore(chapterId: string): LessonkitChapterScore;
  /** engine/grading/standing.py's pass rule applied to a chapter's score. */
  chapterPassed(score: LessonkitChapterScore): boolean;
  /** Saves an answer; returns the question's record (the kept score, misses, revealed). */
  recordAnswer(detail: any): any;
  useHint(questionId: string): number;
  /** The learner's seed for the order of options (order.js), saved on first use. */
  learnerSeed(): number;
  save(): void;
  emit(name: string, detail: unknown): void;
}

/** Where the site keeps its state: localStorage, or an LMS session through the bridge. */
interface LessonkitStorage {
  load(): any;
  save(state: any): void;
}

/** The bridge's common part (bridge-common.js) for the SCORM and cmi5 parts. */
interface LessonkitBridgeKit {
  config: LessonkitLmsConfig;
  lookup(name: string): any;
  start(driver: any): void;
  warn(session: any, detail: any): void;
  Tally: any;
  gradesOf(state: any): any;
  passes(summary: any, mastery: any): boolean;
  formatResponse(q: any, response: any, standard: string): string;
  parseNumber(value: string): number | null;
  fixed(value: number, places?: number): string;
  timespan12(seconds: number): string;
  isoDuration(seconds: number): string;
  clock12(date: Date): string;
  timestamp2004(date: Date): string;
  /** Added by suspend-codec.js. */
  codec?: { encode(state: any): string; decode(text: string): any };
  /** Added by scorm-bridge.js, for the tests. */
  suspendText?: (siteState: any, limit: number) => string;
}

interface Window {
  LESSONKIT_COURSE?: LessonkitCourseData;
  LESSONKIT_LMS?: LessonkitLmsConfig;
  lessonkit?: LessonkitSite;
  /** progress.js: where to continue and the questions answered wrongly. */
  lessonkitProgress?: { resumeTarget(): any; mistakes(): any[] };
  lessonkitGrade?: LessonkitGrade;
  lessonkitGrading?: {
    grade: LessonkitGrade;
    parseNumber(text: string): number | null;
    numberReadings(text: string): number[];
    normaliseText(text: string, caseSensitive?: boolean): string;
    numberIsRight(question: any, value: number): boolean;
    /** engine/grading/standing.py: the points a question keeps after a new answer. */
    keptPoints(previous: number | null | undefined, latest: number): number;
    scoreFraction(points: number, maxPoints: number): number;
    passes(points: number, maxPoints: number, passingScore: number): boolean;
  };
  /** order.js, for quiz.js: puts a question's options in the learner's own order. */
  lessonkitOrder?: (question: HTMLElement, questionId: string, learnerSeed: number) => void;
  /** responses.js, for quiz.js. */
  lessonkitResponses?: {
    all(el: ParentNode, selector: string): any[];
    read(el: Element, q: any): any;
    write(el: Element, q: any, response: any): void;
    text(q: any, labels: any, response: any): string;
    clearMarks(el: Element): void;
    mark(el: Element, q: any, g: any): void;
    markMissed(el: Element, q: any, g: any): void;
  };
  /** search.js: what each shard of the search index (search/<n>.js) calls with its records. */
  lessonkitSearchShard?: (records: any[]) => void;
  lessonkitStorage?: LessonkitStorage;
  lessonkitLauncher?: { session: any; ready: boolean };
  LessonkitBridge?: LessonkitBridgeKit;
}
