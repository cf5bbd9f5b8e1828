/*
** Unit tests for common/buf.h: appending, growth, the NUL kept past len,
** little-endian integers, alignment padding, printf and handing the bytes
** over. A buffer needs no context, but the fixture is the same for every
** driver (DESIGN.md §13.1).
*/
#include "tests/unit/fixture.h"

#include "common/buf.h"

/* Append through sb_buf_vprintf(), as every printf-like caller does. */
static void SB_PRINTF(2, 3)
vput(struct sb_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sb_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

static void
buf__initialiser__holds_nothing(void **state)
{
	struct sb_buf b = SB_BUF_INIT;

	(void)state;
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	sb_buf_free(&b);
}

static void
buf__put__appends_the_bytes_and_keeps_a_nul_past_len(void **state)
{
	struct sb_buf b = SB_BUF_INIT;

	(void)state;
	sb_buf_put(&b, "allow", 5);
	sb_buf_put(&b, " file-read*", 11);
	assert_int_equal(b.len, 16);
	assert_string_equal(b.data, "allow file-read*");
	assert_int_equal(b.data[b.len], 0);
	assert_true(b.cap >= b.len);
	sb_buf_free(&b);
}

static void
buf__put__keeps_embedded_nul_bytes(void **state)
{
	struct sb_buf b = SB_BUF_INIT;

	(void)state;
	sb_buf_put(&b, "a\0b", 3);
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.data, "a\0b\0", 4);
	sb_buf_free(&b);
}

static void
buf__put_of_zero_bytes__leaves_the_buffer_empty(void **state)
{
	struct sb_buf b = SB_BUF_INIT;

	(void)state;
	sb_buf_put(&b, "", 0);
	assert_int_equal(b.len, 0);
	assert_true(b.data == NULL || b.data[0] == 0);
	sb_buf_free(&b);
}

static void
buf__putc_and_puts__append_characters_and_strings(void **state)
{
	struct sb_buf b = SB_BUF_INIT;

	(void)state;
	sb_buf_putc(&b, '(');
	sb_buf_puts(&b, "deny default");
	sb_buf_putc(&b, ')');
	sb_buf_putc(&b, 0xff);
	assert_int_equal(b.len, 15);
	assert_memory_equal(b.data, "(deny default)\xff", 16);
	sb_buf_free(&b);
}

static void
buf__growth_past_many_reallocations__keeps_every_byte(void **state)
{
	struct sb_buf b = SB_BUF_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < 200000; i++)
		sb_buf_putc(&b, (int)('a' + i % 26));
	assert_int_equal(b.len, 200000);
	assert_true(b.cap >= 200000);
	for (i = 0; i < 200000; i++)
		assert_int_equal(b.data[i], 'a' + i % 26);
	assert_int_equal(b.data[b.len], 0);
	sb_buf_free(&b);
}

static void
buf__put_larger_than_the_capacity__is_copied_whole(void **state)
{
	struct sb_buf b = SB_BUF_INIT;
	char *big = malloc(100000);

	(void)state;
	assert_non_null(big);
	memset(big, 'z', 100000);
	sb_buf_putc(&b, '<');
	sb_buf_put(&b, big, 100000);
	sb_buf_putc(&b, '>');
	assert_int_equal(b.len, 100002);
	assert_int_equal(b.data[0], '<');
	assert_memory_equal(b.data + 1, big, 100000);
	assert_int_equal(b.data[100001], '>');
	assert_int_equal(b.data[100002], 0);
	free(big);
	sb_buf_free(&b);
}

static void
buf__reserve__makes_room_without_writing(void **state)
{
	struct sb_buf b = SB_BUF_INIT;
	char *before;

	(void)state;
	sb_buf_puts(&b, "xy");
	sb_buf_reserve(&b, 5000);
	assert_int_equal(b.len, 2);
	assert_true(b.cap - b.len >= 5000);
	assert_string_equal(b.data, "xy");
	/* filling the room reserved does not move the bytes */
	before = b.data;
	while (b.len < 5002)
		sb_buf_putc(&b, '.');
	assert_ptr_equal(b.data, before);
	sb_buf_free(&b);
}

static void
buf__put_u16le_and_u32le__write_little_endian(void **state)
{
	struct sb_buf b = SB_BUF_INIT;
	static const unsigned char want[] = { 0x34, 0x12, 0xff, 0xff,
		0x78, 0x56, 0x34, 0x12, 0x00, 0x00, 0x00, 0x80 };

	(void)state;
	sb_buf_put_u16le(&b, 0x1234);
	sb_buf_put_u16le(&b, 0xffff);
	sb_buf_put_u32le(&b, 0x12345678);
	sb_buf_put_u32le(&b, 0x80000000);
	assert_int_equal(b.len, sizeof want);
	assert_memory_equal(b.data, want, sizeof want);
	sb_buf_free(&b);
}

static void
buf__align__pads_with_zero_bytes_to_a_multiple(void **state)
{
	struct sb_buf b = SB_BUF_INIT;
	size_t i;

	(void)state;
	sb_buf_puts(&b, "abcde");
	sb_buf_align(&b, 8);
	assert_int_equal(b.len, 8);
	assert_memory_equal(b.data, "abcde\0\0\0", 8);
	sb_buf_align(&b, 8);    /* already aligned: nothing added */
	assert_int_equal(b.len, 8);
	sb_buf_putc(&b, 'x');
	sb_buf_align(&b, 256);  /* more padding than any small block */
	assert_int_equal(b.len, 256);
	for (i = 9; i < 256; i++)
		assert_int_equal(b.data[i], 0);
	sb_buf_align(&b, 1);
	assert_int_equal(b.len, 256);
	sb_buf_free(&b);
}

static void
buf__align_of_an_empty_buffer__adds_nothing(void **state)
{
	struct sb_buf b = SB_BUF_INIT;

	(void)state;
	sb_buf_align(&b, 4);
	assert_int_equal(b.len, 0);
	sb_buf_free(&b);
}

static void
buf__printf__appends_formatted_text(void **state)
{
	struct sb_buf b = SB_BUF_INIT;

	(void)state;
	sb_buf_puts(&b, ">");
	sb_buf_printf(&b, "%s:%u:%u: %s", "net.sb", 7u, 24u, "error");
	assert_string_equal(b.data, ">net.sb:7:24: error");
	assert_int_equal(b.len, strlen(">net.sb:7:24: error"));
	sb_buf_printf(&b, "%s", "");
	assert_int_equal(b.len, strlen(">net.sb:7:24: error"));
	sb_buf_free(&b);
}

static void
buf__printf_longer_than_the_capacity__grows(void **state)
{
	struct sb_buf b = SB_BUF_INIT;
	char want[1001];

	(void)state;
	memset(want, 'q', 1000);
	want[1000] = 0;
	sb_buf_putc(&b, 'q');
	sb_buf_printf(&b, "%0999d", 0);
	assert_int_equal(b.len, 1000);
	assert_int_equal(b.data[1], '0');
	sb_buf_free(&b);
	sb_buf_printf(&b, "%s", want);
	assert_int_equal(b.len, 1000);
	assert_string_equal(b.data, want);
	sb_buf_free(&b);
}

static void
buf__vprintf__appends_like_printf(void **state)
{
	struct sb_buf b = SB_BUF_INIT;

	(void)state;
	vput(&b, "%d unclosed '%c'", 3, '(');
	vput(&b, "%s", " at end of file");
	assert_string_equal(b.data, "3 unclosed '(' at end of file");
	sb_buf_free(&b);
}

static void
buf__take__hands_over_the_bytes_and_resets_the_buffer(void **state)
{
	struct sb_buf b = SB_BUF_INIT;
	char *p;

	(void)state;
	sb_buf_puts(&b, "(version 1)");
	p = sb_buf_take(&b);
	assert_string_equal(p, "(version 1)");
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	free(p);
	/* the buffer can be written again */
	sb_buf_puts(&b, "again");
	assert_string_equal(b.data, "again");
	sb_buf_free(&b);
}

static void
buf__take_of_an_empty_buffer__gives_an_empty_string(void **state)
{
	struct sb_buf b = SB_BUF_INIT;
	char *p;

	(void)state;
	p = sb_buf_take(&b);
	assert_non_null(p);
	assert_string_equal(p, "");
	free(p);
}

static void
buf__free__resets_the_buffer_for_reuse(void **state)
{
	struct sb_buf b = SB_BUF_INIT;

	(void)state;
	sb_buf_puts(&b, "something");
	sb_buf_free(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	sb_buf_free(&b);        /* twice is harmless */
	sb_buf_puts(&b, "x");
	assert_string_equal(b.data, "x");
	sb_buf_free(&b);
}

#define T(f) cmocka_unit_test_setup_teardown(f, ctx_setup, ctx_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(buf__initialiser__holds_nothing),
		T(buf__put__appends_the_bytes_and_keeps_a_nul_past_len),
		T(buf__put__keeps_embedded_nul_bytes),
		T(buf__put_of_zero_bytes__leaves_the_buffer_empty),
		T(buf__putc_and_puts__append_characters_and_strings),
		T(buf__growth_past_many_reallocations__keeps_every_byte),
		T(buf__put_larger_than_the_capacity__is_copied_whole),
		T(buf__reserve__makes_room_without_writing),
		T(buf__put_u16le_and_u32le__write_little_endian),
		T(buf__align__pads_with_zero_bytes_to_a_multiple),
		T(buf__align_of_an_empty_buffer__adds_nothing),
		T(buf__printf__appends_formatted_text),
		T(buf__printf_longer_than_the_capacity__grows),
		T(buf__vprintf__appends_like_printf),
		T(buf__take__hands_over_the_bytes_and_resets_the_buffer),
		T(buf__take_of_an_empty_buffer__gives_an_empty_string),
		T(buf__free__resets_the_buffer_for_reuse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
