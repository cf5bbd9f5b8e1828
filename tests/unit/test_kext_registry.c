/*
** Unit tests of the kext's state (kext/macos/registry.c, DESIGN.md §8):
** the opt-in variable found in xnu's argument layout and nowhere else,
** exec labelling a process by the 16-hex tag, fork inheriting, exit and
** unload releasing in either order with the profile freed exactly when
** the last reference goes, reused pids, the work-area pool running out,
** and an evaluation that fails being counted.
*/
#include "tests/unit/kext_fixture.h"

#include "kext/macos/registry.h"

static const char prof_sb[] =
	"(version 1)\n"
	"(deny default)\n"
	"(allow file-read* (subpath \"/usr\"))\n";

struct env {
	struct sb_unit u;
	struct kx_host host;
	struct sb_kreg reg;
	char tag[17];                   /* the blob hash's first 16 hex digits */
};

static int
setup(void **state)
{
	struct env *e = calloc(1, sizeof *e);
	struct sb_kenv env = kx_env(&e->host);
	uint8_t *load;
	size_t len;
	int i;

	kx_compile(&e->u, prof_sb);
	assert_int_equal(sb_kreg_init(&e->reg, &env, 100, 4), 0);
	load = kx_load_msg(&e->u, 2, 8, &len);
	assert_int_equal(sb_ctl_serve_set(&e->reg, load, len), SB_KST_OK);
	free(load);
	for (i = 0; i < 8; i++)
		sprintf(e->tag + 2 * i, "%02x", e->u.blob_sha256[i]);
	*state = e;
	return 0;
}

static int
teardown(void **state)
{
	struct env *e = *state;
	uint32_t pid;

	for (pid = 0; pid < e->reg.maxpid; pid++)
		if (e->reg.procs[pid].prof)
			sb_kreg_exit(&e->reg, (int32_t)pid,
			    e->reg.procs[pid].uniqueid);
	sb_kreg_unload(&e->reg, e->u.blob_sha256);
	assert_int_equal(sb_kreg_fini(&e->reg), 0);
	assert_int_equal(e->host.allocs, e->host.frees);
	sb_unit_free(&e->u);
	free(e);
	return 0;
}

/*
** The bytes proc_selfexecutableargs() gives: argc, the executable path,
** its padding, then ARGV and ENV strings, then an apple string, into
** OUT (CAP bytes). Returns the length.
*/
static size_t
procargs(const char *exe, const char *const *argv, const char *const *env,
    uint8_t *out, size_t cap)
{
	size_t n = 4, k;
	uint32_t argc = 0;

	for (; argv[argc]; argc++)
		;
	memcpy(out, &argc, 4);
	k = strlen(exe) + 1;
	memcpy(out + n, exe, k);
	n += k;
	while (n % 8)
		out[n++] = 0;           /* the path area is pointer-aligned */
	for (k = 0; argv[k]; k++) {
		memcpy(out + n, argv[k], strlen(argv[k]) + 1);
		n += strlen(argv[k]) + 1;
	}
	for (k = 0; env[k]; k++) {
		memcpy(out + n, env[k], strlen(env[k]) + 1);
		n += strlen(env[k]) + 1;
	}
	memcpy(out + n, "executable_path=/x", 19);
	n += 19;
	assert_true(n <= cap);
	return n;
}

static void
kext_registry__the_variable__is_read_from_the_environment_only(void **state)
{
	static const char *const argv[] = { "sh", "SBPLCOV_PROFILE=fromargv",
		NULL };
	static const char *const env[] = { "A=1", "SBPLCOV_PROFILEX=no",
		"SBPLCOV_PROFILE=0123abcd", "SBPLCOV_PROFILE=second", NULL };
	uint8_t buf[512];
	size_t len = procargs("/bin/sh", argv, env, buf, sizeof buf), n, end;
	const char *val;
	uint32_t vlen;

	(void)state;
	/* where the variable's string ends (its NUL) */
	for (end = 0; end + 17 <= len && memcmp(buf + end,
	    "SBPLCOV_PROFILE=0", 17) != 0; end++)
		;
	end += strlen(env[2]);
	assert_int_equal(sb_kenv_find(buf, len, SB_KENV_NAME, &val, &vlen), 1);
	assert_int_equal(vlen, strlen("0123abcd"));
	assert_memory_equal(val, "0123abcd", vlen);
	assert_int_equal(sb_kenv_find(buf, len, "A", &val, &vlen), 1);
	assert_int_equal(vlen, 1);
	assert_int_equal(sb_kenv_find(buf, len, "executable_path", &val,
	    &vlen), 1);
	assert_int_equal(sb_kenv_find(buf, len, "B", &val, &vlen), 0);
	/* cut anywhere: found only when the whole string is there */
	for (n = 0; n < len; n++) {
		uint8_t *cut = malloc(n ? n : 1);
		memcpy(cut, buf, n);
		assert_int_equal(sb_kenv_find(cut, n, SB_KENV_NAME, &val,
		    &vlen), n > end);
		free(cut);
	}
}

static void
kext_registry__exec_with_the_tag__labels_the_process(void **state)
{
	struct env *e = *state;
	static const char *const argv[] = { "app", NULL };
	const char *env[3] = { NULL, NULL, NULL };
	char var[64], upper[17];
	uint8_t buf[512];
	struct sb_kprof *p = sb_kreg_find(&e->reg, e->u.blob_sha256);
	size_t len;
	int i;

	assert_non_null(p);
	assert_memory_equal(p->tag, e->tag, 16);
	snprintf(var, sizeof var, "SBPLCOV_PROFILE=%s", e->tag);
	env[0] = var;
	len = procargs("/app", argv, env, buf, sizeof buf);
	assert_int_equal(sb_kreg_exec(&e->reg, 10, 1010, buf, len), 1);
	assert_ptr_equal(sb_kreg_proc(&e->reg, 10, 1010), p);
	assert_int_equal(p->refs, 2);
	/* another process that reuses the pid is not labelled */
	assert_null(sb_kreg_proc(&e->reg, 10, 2020));
	assert_null(sb_kreg_proc(&e->reg, 11, 1010));
	assert_null(sb_kreg_proc(&e->reg, -1, 0));
	assert_null(sb_kreg_proc(&e->reg, 100, 0));
	/* upper case digits name the same profile */
	for (i = 0; i < 16; i++)
		upper[i] = (char)(e->tag[i] >= 'a' ? e->tag[i] - 32 :
		    e->tag[i]);
	upper[16] = 0;
	snprintf(var, sizeof var, "SBPLCOV_PROFILE=%s", upper);
	len = procargs("/app", argv, env, buf, sizeof buf);
	assert_int_equal(sb_kreg_exec(&e->reg, 12, 1012, buf, len), 1);
	assert_int_equal(p->refs, 3);
	/* exec again without the variable: the label stays */
	env[0] = "HOME=/";
	len = procargs("/app", argv, env, buf, sizeof buf);
	assert_int_equal(sb_kreg_exec(&e->reg, 12, 1012, buf, len), 0);
	assert_ptr_equal(sb_kreg_proc(&e->reg, 12, 1012), p);
	/* a short tag, a non-hex one, another profile's: refused */
	snprintf(var, sizeof var, "SBPLCOV_PROFILE=%.15s", e->tag);
	env[0] = var;
	len = procargs("/app", argv, env, buf, sizeof buf);
	assert_int_equal(sb_kreg_exec(&e->reg, 13, 1013, buf, len), -1);
	snprintf(var, sizeof var, "SBPLCOV_PROFILE=%.15sg", e->tag);
	len = procargs("/app", argv, env, buf, sizeof buf);
	assert_int_equal(sb_kreg_exec(&e->reg, 13, 1013, buf, len), -1);
	snprintf(var, sizeof var, "SBPLCOV_PROFILE=%.15s%c", e->tag,
	    e->tag[15] == '0' ? '1' : '0');
	len = procargs("/app", argv, env, buf, sizeof buf);
	assert_int_equal(sb_kreg_exec(&e->reg, 13, 1013, buf, len), -1);
	assert_null(sb_kreg_proc(&e->reg, 13, 1013));
	assert_int_equal(p->refs, 3);
}

/* Label PID (unique id UNIQ) through an exec with the profile's tag. */
static void
optin(struct env *e, int32_t pid, uint64_t uniq)
{
	static const char *const argv[] = { "app", NULL };
	const char *env[2] = { NULL, NULL };
	char var[64];
	uint8_t buf[256];
	size_t len;

	snprintf(var, sizeof var, "SBPLCOV_PROFILE=%s", e->tag);
	env[0] = var;
	len = procargs("/app", argv, env, buf, sizeof buf);
	assert_int_equal(sb_kreg_exec(&e->reg, pid, uniq, buf, len), 1);
}

static void
kext_registry__fork_exit_and_unload__free_the_profile_with_the_last(
    void **state)
{
	struct env *e = *state;
	struct sb_kprof *p = sb_kreg_find(&e->reg, e->u.blob_sha256);
	uint64_t frees;

	optin(e, 20, 2000);
	sb_kreg_fork(&e->reg, 20, 2000, 21, 2100);
	sb_kreg_fork(&e->reg, 21, 2100, 22, 2200);
	/* a parent that is not labelled passes nothing on */
	sb_kreg_fork(&e->reg, 30, 3000, 31, 3100);
	assert_ptr_equal(sb_kreg_proc(&e->reg, 22, 2200), p);
	assert_null(sb_kreg_proc(&e->reg, 31, 3100));
	assert_int_equal(p->refs, 4);
	/* an exit of another process with the pid changes nothing */
	sb_kreg_exit(&e->reg, 21, 9999);
	assert_int_equal(p->refs, 4);
	sb_kreg_exit(&e->reg, 21, 2100);
	assert_int_equal(p->refs, 3);
	/* unloaded: no new opt-ins, but the labelled processes keep it */
	assert_int_equal(sb_kreg_unload(&e->reg, e->u.blob_sha256), SB_KST_OK);
	assert_int_equal(sb_kreg_unload(&e->reg, e->u.blob_sha256),
	    SB_KST_NOTFOUND);
	assert_int_equal(p->refs, 2);
	assert_false(p->loaded);
	{
		static const char *const argv[] = { "app", NULL };
		const char *env[2] = { NULL, NULL };
		char var[64];
		uint8_t buf[256];
		size_t len;
		snprintf(var, sizeof var, "SBPLCOV_PROFILE=%s", e->tag);
		env[0] = var;
		len = procargs("/app", argv, env, buf, sizeof buf);
		assert_int_equal(sb_kreg_exec(&e->reg, 40, 4000, buf, len), -1);
	}
	/* a fork still inherits: the parent holds a reference */
	sb_kreg_fork(&e->reg, 22, 2200, 23, 2300);
	assert_int_equal(p->refs, 3);
	frees = e->host.frees;
	sb_kreg_exit(&e->reg, 20, 2000);
	sb_kreg_exit(&e->reg, 22, 2200);
	assert_int_equal(e->host.frees, frees);
	assert_int_equal(e->reg.nprofiles, 1);
	sb_kreg_exit(&e->reg, 23, 2300);
	assert_int_equal(e->host.frees, frees + 1);
	assert_int_equal(e->reg.nprofiles, 0);
	assert_null(sb_kreg_find(&e->reg, e->u.blob_sha256));
}

static void
kext_registry__a_reload__takes_back_an_unloading_profile(void **state)
{
	struct env *e = *state;
	struct sb_kprof *p = sb_kreg_find(&e->reg, e->u.blob_sha256);
	uint8_t *load;
	size_t len;

	optin(e, 50, 5000);
	assert_int_equal(sb_kreg_unload(&e->reg, e->u.blob_sha256), SB_KST_OK);
	assert_int_equal(p->refs, 1);
	load = kx_load_msg(&e->u, 2, 8, &len);
	assert_int_equal(sb_ctl_serve_set(&e->reg, load, len), SB_KST_OK);
	free(load);
	/* the same profile, counters and all, loaded again */
	assert_ptr_equal(sb_kreg_find(&e->reg, e->u.blob_sha256), p);
	assert_true(p->loaded);
	assert_int_equal(p->refs, 2);
	sb_kreg_exit(&e->reg, 50, 5000);
	assert_int_equal(p->refs, 1);
	assert_int_equal(e->reg.nprofiles, 1);
}

static void
kext_registry__work_areas__run_out_and_are_counted(void **state)
{
	struct env *e = *state;
	struct sb_kwork *w[5];
	struct sb_kprof *p = sb_kreg_find(&e->reg, e->u.blob_sha256);
	uint32_t i;

	for (i = 0; i < e->reg.nwork; i++) {
		assert_non_null(w[i] = sb_kreg_work_get(&e->reg));
		w[i]->args.port = 80;
	}
	assert_null(sb_kreg_work_get(&e->reg));
	assert_int_equal(e->reg.missed, 1);
	sb_kreg_work_put(&e->reg, w[1]);
	assert_ptr_equal(w[4] = sb_kreg_work_get(&e->reg), w[1]);
	/* handed out with the arguments cleared */
	assert_int_equal(w[4]->args.port, -1);
	assert_int_equal(w[4]->args.domain, -1);
	assert_null(w[4]->args.path);
	/* a query the blob has no slot for: counted as a failure */
	memset(&w[4]->q, 0, sizeof w[4]->q);
	w[4]->q.op = (uint16_t)p->bin.op_count;
	assert_int_equal(sb_kprof_check(p, w[4], 1, 1), -1);
	assert_int_equal(p->counters.failures, 1);
	assert_int_equal(p->counters.evals, 1);
	for (i = 0; i < e->reg.nwork; i++)
		sb_kreg_work_put(&e->reg, w[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kext_registry__the_variable__is_read_from_the_environment_only),
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(kext_registry__exec_with_the_tag__labels_the_process),
		T(kext_registry__fork_exit_and_unload__free_the_profile_with_the_last),
		T(kext_registry__a_reload__takes_back_an_unloading_profile),
		T(kext_registry__work_areas__run_out_and_are_counted),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
