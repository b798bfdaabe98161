// libedit as Swift sees it. Swift cannot call C variadic functions (el_set, history) and, under Swift 6
// strict concurrency, cannot touch C globals (rl_*) directly; the static inline wrappers below do both
// on the REPL thread, so the Swift side stays free of `nonisolated(unsafe)` globals except one.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <errno.h>
#include <locale.h>
#include <histedit.h>
#include <editline/readline.h>

/// The Tab-completion hook: libedit calls it with the word under the cursor and its byte offsets in the line.
typedef char **(*cedit_completion_fn)(const char *text, int start, int end);

/// Reads one character for libedit (a Unicode scalar, or -1 for end of input / an interrupted read).
typedef int (*cedit_getc_fn)(FILE *);

/// Replaces libedit's character reader, so the REPL can watch a file while it waits for a key. Must be called
/// before `cedit_configure`: `rl_initialize` installs the reader it finds.
static inline void cedit_set_getc(cedit_getc_fn fn) { rl_getc_function = fn; }

/// Redraws the prompt and the line being typed, after something was printed above it.
static inline void cedit_redisplay(void) { rl_forced_update_display(); }

/// One-time set-up of the readline-compatible layer: program name (for ~/.editrc sections), Tab hook,
/// word breaks, and no signal handling of libedit's own (the REPL installs a SIGINT handler; libedit's
/// would reset the handler and re-send the signal to the whole process group).
static inline void cedit_configure(const char *name, cedit_completion_fn completer) {
    rl_readline_name = name;
    rl_catch_signals = 0;
    rl_catch_sigwinch = 1;
    rl_attempted_completion_function = completer;
    // Only blanks and quotes break words: route paths contain `{`, `/` and `=` which must stay in one word.
    rl_basic_word_break_characters = " \t\n\"'";
    rl_completer_word_break_characters = (char *)" \t\n\"'";
    rl_completion_query_items = 200;
    rl_initialize();
}

/// The whole line being edited (valid inside the completion hook).
static inline const char *cedit_line_buffer(void) { return rl_line_buffer; }

/// When a completion hook returns no matches, do not fall back to file-name completion.
static inline void cedit_set_attempted_completion_over(int over) { rl_attempted_completion_over = over; }

/// Character appended after a unique completion: ' ' normally, 0 after a directory name.
static inline void cedit_set_append_character(int c) { rl_completion_append_character = c; }

/// libedit's list builder for completions: `[common prefix, candidates..., NULL]`, strings malloc'd.
static inline char **cedit_completion_matches(const char *text, rl_compentry_func_t *generator) {
    return rl_completion_matches(text, generator);
}

/// Discard the partially typed line after Ctrl-C, so the next prompt starts empty.
static inline void cedit_discard_line(void) {
    rl_replace_line("", 0);
    rl_point = 0;
    rl_end = 0;
}

/// Installs `handler` for SIGINT without SA_RESTART: the blocked read() inside libedit then returns EINTR,
/// `readline` returns NULL, and the REPL tells Ctrl-C (flag set) from Ctrl-D (flag clear).
static inline int cedit_install_sigint(void (*handler)(int)) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    return sigaction(SIGINT, &sa, NULL);
}

/// History through the readline layer; libedit's file format, readable by `history -r` in editrc tools.
static inline int cedit_read_history(const char *path) { return read_history(path); }
static inline int cedit_write_history(const char *path) { return write_history(path); }
static inline void cedit_stifle_history(int max) { stifle_history(max); }
static inline void cedit_add_history(const char *line) { add_history(line); }
