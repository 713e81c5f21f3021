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
 * Usage: klpctl load FILE [PARAM...] | unload NAME | write PATH VALUE | read PATH
 *        | ls DIR | sysctl KEY[=VALUE] | sleep SECONDS | settle MAX_MS
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
	if (fd < 0) {
		printf("R %d\n", errno);
		return 0;
	}
	long r = syscall(SYS_finit_module, fd, params, 0);
	printf("R %d\n", r ? errno : 0);
	close(fd);
	return 0;
}

static int op_unload(const char *name)
{
	char file[512], buf[64];
	snprintf(file, sizeof file, "/sys/module/%s/initstate", name);
	if (slurp(file, buf, sizeof buf) < 0) {
		puts("R notloaded");
		return 0;
	}
	snprintf(file, sizeof file, "/sys/module/%s/refcnt", name);
	if (slurp(file, buf, sizeof buf) > 0 && atoi(buf) > 0) {
		puts("R inuse");
		return 0;
	}
	long r = syscall(SYS_delete_module, name, O_NONBLOCK);
	printf("R %d\n", r ? errno : 0);
	return 0;
}

static int op_write(const char *file, const char *value)
{
	char buf[512];
	int fd = open(file, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		printf("R %d open\n", errno);
		return 0;
	}
	int n = snprintf(buf, sizeof buf, "%s\n", value);
	ssize_t w = write(fd, buf, n);
	printf("R %d\n", w < 0 ? errno : 0);
	close(fd);
	return 0;
}

static int op_read(const char *file)
{
	static char buf[65536];
	int n = slurp(file, buf, sizeof buf);
	if (n < 0) {
		printf("R %d\n", -n);
		return 0;
	}
	puts("R 0");
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
	if (n < 0) {
		printf("R %d\n", errno);
		return 0;
	}
	puts("R 0");
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
		int fd = open(file, O_WRONLY | O_CLOEXEC);
		if (fd < 0) {
			printf("R %d open\n", errno);
			return 0;
		}
		int n = snprintf(buf, sizeof buf, "%s\n", value);
		ssize_t w = write(fd, buf, n);
		int err = w < 0 ? errno : 0;
		close(fd);
		printf("R %d\n", err);
		if (!err)
			printf("O %s = %s\n", key, value);
		return 0;
	}
	int n = slurp(file, buf, sizeof buf);
	if (n < 0) {
		printf("R %d\n", -n);
		return 0;
	}
	buf[strcspn(buf, "\n")] = 0;
	puts("R 0");
	printf("O %s = %s\n", key, buf);
	return 0;
}

/*
 * Waits until no patch is in transition and no disabled patch directory is still being
 * freed (the simulator's "settling"), at most MAX_MS. Prints "W <ms>" with the time waited,
 * or "W timeout" when a transition was still pending.
 */
static int op_settle(long max_ms)
{
	double start = seconds_now();
	for (;;) {
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
			snprintf(file, sizeof file, "/sys/kernel/livepatch/%s/enabled", e->d_name);
			if (slurp(file, v, sizeof v) > 0 && v[0] == '0')
				pending = 1;
		}
		if (d)
			closedir(d);
		long waited = (long)((seconds_now() - start) * 1000);
		if (!pending) {
			printf("W %ld\n", waited);
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
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 3 && !strcmp(argv[1], "load"))
		return op_load(argc - 2, argv + 2);
	if (argc == 3 && !strcmp(argv[1], "unload"))
		return op_unload(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "write"))
		return op_write(argv[2], argv[3]);
	if (argc == 3 && !strcmp(argv[1], "read"))
		return op_read(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "ls"))
		return op_ls(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "sysctl"))
		return op_sysctl(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "sleep")) {
		pause_ms((long)(atof(argv[2]) * 1000));
		puts("R 0");
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "settle"))
		return op_settle(atol(argv[2]));
	fprintf(stderr, "usage: klpctl load FILE [PARAM...] | unload NAME | write PATH VALUE | read PATH | ls DIR | sysctl KEY[=VALUE] | sleep S | settle MAX_MS\n");
	return 2;
}
