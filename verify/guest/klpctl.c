// SPDX-License-Identifier: MIT
/*
 * klpctl: the guest side of `klp-studio verify`. The generated /init runs one klpctl per
 * scenario operation; each does exactly one kernel operation (one finit_module, one
 * delete_module, one write...) and prints what happened as protocol lines on stdout:
 *   R <errno>          the operation's result (0 = success)
 *   R notloaded|inuse  rmmod refused in user space, as kmod's rmmod checks first
 *   O <text>           a line the command prints (cat, ls, sysctl)
 * The host turns these into the transcript's wording (core/src/verify/transcript.ts).
 * busybox insmod is not used: it retries a failed finit_module with init_module, so the
 * kernel would log a failed load twice.
 *   W <how>            how settling after the operation ended (see settle())
 * Usage: klpctl [-s MAX_MS] OP ARGS, OP = load FILE [PARAM...] | unload NAME
 *        | write PATH VALUE | read PATH | ls DIR | sysctl KEY[=VALUE] | sleep SECONDS
 * With -s, klpctl settles after an operation that may have changed something.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static void pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static double seconds_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Reads a small file; returns its length or -errno. */
static int slurp(const char *file, char *buf, size_t size)
{
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = read(fd, buf, size - 1);
	int err = errno;
	close(fd);
	if (n < 0)
		return -err;
	buf[n] = 0;
	return (int)n;
}

static void emit_lines(const char *text)
{
	const char *p = text;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		printf("O %.*s\n", (int)len, p);
		p += len + (nl ? 1 : 0);
	}
}

/* Prints the result line; returns ERR (0 = success, -1 = refused in user space). */
static int report(int err, const char *where)
{
	if (where)
		printf("R %d %s\n", err, where);
	else
		printf("R %d\n", err);
	return err;
}

static int op_load(int argc, char **argv)
{
	char params[4096] = "";
	size_t used = 0;
	for (int i = 1; i < argc; i++) {
		int n = snprintf(params + used, sizeof params - used, "%s%s", i > 1 ? " " : "", argv[i]);
		if (n < 0 || (size_t)n >= sizeof params - used)
			break;
		used += n;
	}
	int fd = open(argv[0], O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return report(errno, "open");
	long r = syscall(SYS_finit_module, fd, params, 0);
	int err = r ? errno : 0;
	close(fd);
	return report(err, NULL);
}

/* kmod's rmmod checks in user space first: loaded at all? in use? */
static int op_unload(const char *name)
{
	char file[512], buf[64];
	snprintf(file, sizeof file, "/sys/module/%s/initstate", name);
	if (slurp(file, buf, sizeof buf) < 0) {
		puts("R notloaded");
		return -1;
	}
	snprintf(file, sizeof file, "/sys/module/%s/refcnt", name);
	if (slurp(file, buf, sizeof buf) > 0 && atoi(buf) > 0) {
		puts("R inuse");
		return -1;
	}
	long r = syscall(SYS_delete_module, name, O_NONBLOCK);
	return report(r ? errno : 0, NULL);
}

static int write_text(const char *file, const char *value)
{
	char buf[512];
	int fd = open(file, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return report(errno, "open");
	int n = snprintf(buf, sizeof buf, "%s\n", value);
	ssize_t w = write(fd, buf, n);
	int err = w < 0 ? errno : 0;
	close(fd);
	return report(err, NULL);
}

static int op_read(const char *file)
{
	static char buf[65536];
	int n = slurp(file, buf, sizeof buf);
	if (n < 0)
		return report(-n, NULL);
	report(0, NULL);
	emit_lines(buf);
	return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int op_ls(const char *dir)
{
	struct dirent **list;
	int n = scandir(dir, &list, NULL, by_name);
	if (n < 0)
		return report(errno, NULL);
	report(0, NULL);
	int shown = 0;
	for (int i = 0; i < n; i++) {
		if (list[i]->d_name[0] != '.') {
			printf("%s%s", shown ? " " : "O ", list[i]->d_name);
			shown++;
		}
		free(list[i]);
	}
	free(list);
	if (shown)
		putchar('\n');
	return 0;
}

/* sysctl a.b.c[=v]: /proc/sys/a/b/c */
static int op_sysctl(const char *arg)
{
	char key[256], file[300], buf[256];
	snprintf(key, sizeof key, "%s", arg);
	char *value = strchr(key, '=');
	if (value)
		*value++ = 0;
	snprintf(file, sizeof file, "/proc/sys/%s", key);
	for (char *c = file + strlen("/proc/sys/"); *c; c++)
		if (*c == '.')
			*c = '/';
	if (value) {
		int err = write_text(file, value);
		if (!err)
			printf("O %s = %s\n", key, value);
		return err;
	}
	int n = slurp(file, buf, sizeof buf);
	if (n < 0)
		return report(-n, NULL);
	buf[strcspn(buf, "\n")] = 0;
	report(0, NULL);
	printf("O %s = %s\n", key, buf);
	return 0;
}

/*
 * Kernel log time of the "op-done" record klpctl writes when the operation has returned
 * (0 until it is read back): the same clock as the records it is compared with.
 */
static double op_end;
#define OP_DONE "klpverify: op-done"
/* A transition was started, reversed or forced within this command's window. */
static int started_here;

/*
 * Reads every kernel log record available now; returns true once a try of the
 * transition left a task behind: a klp_try_switch_task line logged after this command
 * started, reversed or forced the transition, or else one logged at least 500 ms after
 * the operation returned (so a retry that raced with the operation, or came before a task
 * it released was scheduled on a loaded host, does not count; retries are about 1 s
 * apart). Idle
 * tasks ("swapper/N is running" with several CPUs) do not count: they switch at their next
 * chance, as in the simulator.
 */
static int saw_failed_switch(int kmsg)
{
	static char rec[8192];
	static int seen;
	ssize_t n;
	if (kmsg < 0)
		return 0;
	while ((n = read(kmsg, rec, sizeof rec - 1)) > 0 || (n < 0 && errno == EPIPE)) {
		if (n <= 0)
			continue; /* EPIPE: records were overwritten; keep reading */
		rec[n] = 0;
		/* "prio,seq,usec,flags;text" */
		char *text = strchr(rec, ';');
		double at = 0;
		unsigned long long usec;
		if (sscanf(rec, "%*u,%*u,%llu", &usec) == 1)
			at = usec / 1e6;
		text = text ? text + 1 : rec;
		if (!strncmp(text, OP_DONE, strlen(OP_DONE))) {
			op_end = at;
			continue;
		}
		if (strstr(text, "': starting ") || strstr(text, "reversing transition") || strstr(text, "forcing remaining tasks")) {
			started_here = 1;
			seen = 0;
		} else if (strstr(text, "klp_try_switch_task: ") && !strstr(text, "klp_try_switch_task: swapper/")) {
			if (started_here || (op_end > 0 && at >= op_end + 0.5))
				seen = 1;
		}
	}
	return seen;
}

static int transition_pending(void)
{
	int pending = 0;
	DIR *d = opendir("/sys/kernel/livepatch");
	struct dirent *e;
	while (d && (e = readdir(d))) {
		char file[512], v[16];
		if (e->d_name[0] == '.')
			continue;
		snprintf(file, sizeof file, "/sys/kernel/livepatch/%s/transition", e->d_name);
		if (slurp(file, v, sizeof v) > 0 && v[0] == '1')
			pending = 1;
		/* a disabled patch whose directory is still there is being freed */
		snprintf(file, sizeof file, "/sys/kernel/livepatch/%s/enabled", e->d_name);
		if (slurp(file, v, sizeof v) > 0 && v[0] == '0')
			pending = 1;
	}
	if (d)
		closedir(d);
	return pending;
}

/*
 * Settling, as the simulator defines it: a pending transition is retried about once a
 * second; settling lasts while retries make progress, and ends at the first try that
 * leaves a task behind (the kernel logs a klp_try_switch_task line for it: dynamic debug
 * is on; KMSG was opened before the operation, so the operation's own first try counts)
 * or when nothing is pending (no transition, no disabled patch still being freed). At
 * most MAX_MS. Prints "W <ms>", "W stalled <ms>" or "W timeout".
 */
static void settle(int kmsg, long max_ms)
{
	double start = seconds_now();
	for (;;) {
		int left_behind = saw_failed_switch(kmsg);
		int pending = transition_pending();
		long waited = (long)((seconds_now() - start) * 1000);
		if (!pending) {
			printf("W %ld\n", waited);
			break;
		}
		if (left_behind) {
			printf("W stalled %ld\n", waited);
			break;
		}
		if (waited >= max_ms) {
			puts("W timeout");
			break;
		}
		pause_ms(20);
	}
	/* let work items that log after the state change (freeing, callbacks) finish */
	pause_ms(50);
}

/* Runs one operation; returns its errno (0 = success, -1 = refused in user space). */
static int run_op(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[0], "load"))
		return op_load(argc - 1, argv + 1);
	if (argc == 2 && !strcmp(argv[0], "unload"))
		return op_unload(argv[1]);
	if (argc == 3 && !strcmp(argv[0], "write"))
		return write_text(argv[1], argv[2]);
	if (argc == 2 && !strcmp(argv[0], "read"))
		return op_read(argv[1]);
	if (argc == 2 && !strcmp(argv[0], "ls"))
		return op_ls(argv[1]);
	if (argc == 2 && !strcmp(argv[0], "sysctl"))
		return op_sysctl(argv[1]);
	if (argc == 2 && !strcmp(argv[0], "sleep")) {
		pause_ms((long)(atof(argv[1]) * 1000));
		return report(0, NULL);
	}
	return -2;
}

/* Operations that change nothing in the kernel: no settling (they take no time in the simulator). */
static int changes_nothing(int argc, char **argv)
{
	return !strcmp(argv[0], "read") || !strcmp(argv[0], "ls") || !strcmp(argv[0], "sleep") ||
	       (!strcmp(argv[0], "sysctl") && argc == 2 && !strchr(argv[1], '='));
}

int main(int argc, char **argv)
{
	long settle_ms = -1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 3 && !strcmp(argv[1], "-s")) {
		settle_ms = atol(argv[2]);
		argc -= 2;
		argv += 2;
	}
	if (argc < 2)
		goto usage;
	int kmsg = -1;
	if (settle_ms >= 0) {
		kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (kmsg >= 0)
			lseek(kmsg, 0, SEEK_END);
	}
	int err = run_op(argc - 1, argv + 1);
	if (err == -2)
		goto usage;
	if (settle_ms >= 0) {
		int w = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
		if (w >= 0) {
			if (write(w, OP_DONE "\n", strlen(OP_DONE) + 1) < 0)
				perror("klpctl: /dev/kmsg");
			close(w);
		}
	}
	if (settle_ms >= 0) {
		/* a refused operation changed nothing either */
		if (err != 0 || changes_nothing(argc - 1, argv + 1))
			puts("W none");
		else
			settle(kmsg, settle_ms);
	}
	return 0;
usage:
	fprintf(stderr, "usage: klpctl [-s MAX_MS] load FILE [PARAM...] | unload NAME | write PATH VALUE | read PATH | ls DIR | sysctl KEY[=VALUE] | sleep S\n");
	return 2;
}
