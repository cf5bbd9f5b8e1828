/*
** The re2c scanner for LANGUAGE.md §3.1. Whitespace is skipped; comments
** come back as TK_COMMENT trivia; anything malformed comes back as
** TK_ILLEGAL with l->why and l->bad saying what and where.
**
** Atoms follow Apple's reader: an atom runs to whitespace, '(', ')' or ';'
** and '"', '\'' and '#' do not end it (`R""` is one symbol). An atom is a
** number when all of it reads as one, "." alone is the dot of a pair, and
** anything else is a symbol. The body of a string or raw string must be
** UTF-8 without NUL; the first offending byte ends the match, and the
** caller is told which byte it was.
*/
#include <string.h>

#include "lexer/lex.h"

void
sb_lex_init(struct sb_lexer *l, const char *text, uint32_t len)
{
	l->start = (const unsigned char *)text;
	l->cur = l->start;
	l->lim = l->start + len;
	l->mar = l->start;
	l->why = SB_LEX_OK;
	l->bad = 0;
}

/* number: [+-]? digits with at most one '.', then [eE][+-]?digits */
static int
isnumber(const unsigned char *p, const unsigned char *e)
{
	int digits = 0, dot = 0;

	if (p < e && (*p == '+' || *p == '-'))
		p++;
	for (; p < e; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (*p == '.' && !dot)
			dot = 1;
		else
			break;
	}
	if (!digits)
		return 0;
	if (p < e && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < e && (*p == '+' || *p == '-'))
			p++;
		if (p == e)
			return 0;
		while (p < e && *p >= '0' && *p <= '9')
			p++;
	}
	return p == e;
}

static struct sb_token
mk(struct sb_lexer *l, int code, const unsigned char *tok)
{
	struct sb_token t;

	t.code = code;
	t.off = (uint32_t)(tok - l->start);
	t.len = (uint32_t)(l->cur - tok);
	return t;
}

/* A comment ends before the CR of a CRLF line end. */
static struct sb_token
comment(struct sb_lexer *l, const unsigned char *tok)
{
	if (l->cur - tok > 1 && l->cur[-1] == '\r' && l->cur[0] == '\n')
		l->cur--;
	return mk(l, TK_COMMENT, tok);
}

/* What stopped the string body that started at TOK. */
static struct sb_token
unterminated(struct sb_lexer *l, const unsigned char *tok, enum sb_lex_why why)
{
	l->bad = (uint32_t)(l->cur - l->start);
	if (l->cur >= l->lim)
		l->why = why;
	else if (*l->cur == 0)
		l->why = SB_LEX_NUL;
	else
		l->why = SB_LEX_BAD_UTF8;
	return mk(l, TK_ILLEGAL, tok);
}

static struct sb_token
illegal(struct sb_lexer *l, const unsigned char *tok, enum sb_lex_why why)
{
	l->why = why;
	l->bad = (uint32_t)(tok - l->start);
	return mk(l, TK_ILLEGAL, tok);
}

struct sb_token
sb_lex_next(struct sb_lexer *l)
{
	const unsigned char *tok;

loop:
	tok = l->cur;
	/*!re2c
	re2c:api:style = free-form;
	re2c:define:YYCTYPE = "unsigned char";
	re2c:define:YYCURSOR = "l->cur";
	re2c:define:YYMARKER = "l->mar";
	re2c:define:YYLIMIT = "l->lim";
	re2c:yyfill:enable = 0;
	re2c:eof = 0;

	u2 = [\xc2-\xdf] [\x80-\xbf];
	u3 = "\xe0" [\xa0-\xbf] [\x80-\xbf]
	   | [\xe1-\xec\xee\xef] [\x80-\xbf] [\x80-\xbf]
	   | "\xed" [\x80-\x9f] [\x80-\xbf];
	u4 = "\xf0" [\x90-\xbf] [\x80-\xbf] [\x80-\xbf]
	   | [\xf1-\xf3] [\x80-\xbf] [\x80-\xbf] [\x80-\xbf]
	   | "\xf4" [\x80-\x8f] [\x80-\xbf] [\x80-\xbf];
	mb = u2 | u3 | u4;

	ws        = [ \t\n\r\x0b\x0c];
	atomc     = [\x21-\x7e\x0b\x0c] \ [();] | mb;
	atomstart = [\x21-\x7e] \ [();"'`,#] | mb;
	sharpc    = [\x21-\x7e] \ [();"\\!|(] | mb;
	cmtc      = [\x01-\x09\x0b-\x7f] | mb;
	strc      = [\x01-\x7f] \ ["\\] | "\\" [\x01-\x7f] | "\\"? mb;
	rawc      = [\x01-\x7f] \ ["] | mb;

	$                       { return mk(l, TK_EOF, tok); }
	ws+                     { goto loop; }
	";" cmtc*               { return comment(l, tok); }
	"#!" cmtc*              { return comment(l, tok); }
	"("                     { return mk(l, TK_LP, tok); }
	")"                     { return mk(l, TK_RP, tok); }
	"'"                     { return mk(l, TK_QUOTE, tok); }
	"`"                     { return mk(l, TK_QUASI, tok); }
	",@"                    { return mk(l, TK_SPLICE, tok); }
	","                     { return mk(l, TK_UNQUOTE, tok); }
	"#("                    { return mk(l, TK_VECOPEN, tok); }
	"\"" strc* "\""         { return mk(l, TK_STRING, tok); }
	"\"" strc* "\\"?        { return unterminated(l, tok,
	                              SB_LEX_UNTERMINATED_STRING); }
	"#\"" rawc* "\""        { return mk(l, TK_RAWSTRING, tok); }
	"#\"" rawc*             { return unterminated(l, tok,
	                              SB_LEX_UNTERMINATED_RAW); }
	"#\\" ([\x21-\x7e] | mb) atomc* { return mk(l, TK_CHAR, tok); }
	"#" " "+ [0-9]+ [^\n\x00]*      { return mk(l, TK_LINEMARK, tok); }
	"#" sharpc atomc*       {
		if (l->cur - tok == 2 && (tok[1] == 't' || tok[1] == 'f'))
			return mk(l, TK_BOOL, tok);
		if (strchr("xXoObBdD", tok[1]) && l->cur - tok > 2)
			return mk(l, TK_NUMBER, tok);
		return illegal(l, tok, SB_LEX_SHARP);
	}
	"#" [\\|;]?             { return illegal(l, tok, SB_LEX_SHARP); }
	atomstart atomc*        {
		/* the dot of a pair is followed by space, tab or newline
		** (LANGUAGE.md §3.1); "(a .)" holds the symbol "." */
		if (l->cur - tok == 1 && *tok == '.' && (*l->cur == ' ' ||
		    *l->cur == '\t' || *l->cur == '\n'))
			return mk(l, TK_DOT, tok);
		if (isnumber(tok, l->cur))
			return mk(l, TK_NUMBER, tok);
		return mk(l, TK_SYMBOL, tok);
	}
	*                       {
		if (*tok == 0)
			return illegal(l, tok, SB_LEX_NUL);
		if (*tok >= 0x80)
			return illegal(l, tok, SB_LEX_BAD_UTF8);
		return illegal(l, tok, SB_LEX_CONTROL);
	}
	*/
}

const char *
sb_token_name(int code)
{
	switch (code) {
	case TK_EOF: return "end of file";
	case TK_LP: return "(";
	case TK_RP: return ")";
	case TK_DOT: return ".";
	case TK_VECOPEN: return "#(";
	case TK_QUOTE: return "'";
	case TK_QUASI: return "`";
	case TK_UNQUOTE: return ",";
	case TK_SPLICE: return ",@";
	case TK_SYMBOL: return "symbol";
	case TK_STRING: return "string";
	case TK_RAWSTRING: return "raw-string";
	case TK_NUMBER: return "number";
	case TK_BOOL: return "boolean";
	case TK_CHAR: return "character";
	case TK_COMMENT: return "comment";
	case TK_LINEMARK: return "line-marker";
	case TK_ILLEGAL: return "illegal";
	}
	return "?";
}
