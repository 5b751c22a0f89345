/*
 * The kamailio.cfg language after preprocessing (comments, directives and defines are gone; see
 * Preprocessor). Follows Kamailio's src/core/cfg.y as summarised in ../shared/KAMAILIO.md section 2.
 *
 * Some alternatives exist only to be refused with a clear message by the AST builder: '+=' and ':='
 * (no such assignments in Kamailio), '%' (modulo is 'mod'), '!~' (no such operator), and a route
 * block inside a block (the '}' before it is missing).
 */
grammar Kamailio;

script : topItem* EOF ;

topItem
    : LOADMODULE ( string | '(' string (',' string)? ')' ) ';'?                 # loadModule
    | LOADPATH '='? ( string | '(' string ')' ) ';'?                             # loadPath
    | MODPARAM '(' string ',' string ',' modparamValue ')' ';'?                  # modParam
    | FLAGS flagDecl (',' flagDecl)* ';'?                                        # flagsDecl
    | routeKind ( '[' routeName ']' | bracketed=IPV6 )? '{' stmt* '}'            # routeBlock
    | paramName '=' paramValue ( DESC string )? ';'?                             # globalParam
    | CFGENGINE string ';'?                                                      # cfgEngine
    | ';'                                                                        # emptyTop
    ;

modparamValue : '-'? NUMBER | string | BOOL | PVAR ;

flagDecl : ID ( ':' NUMBER )? ;

routeKind : REQUEST_ROUTE | ROUTE | FAILURE_ROUTE | ONREPLY_ROUTE | REPLY_ROUTE | BRANCH_ROUTE
          | ONSEND_ROUTE | EVENT_ROUTE ;

// Any tokens up to ']': route[1], route[RELAY], route["x"], event_route[tm:local-request]. (A name
// made of hex digits around a colon, such as event_route[acc:db], lexes as one IPV6 token.)
routeName : ~']'+ ;

paramName : ID | DOTTED | LISTEN | ALIAS | PROTO_KW | MATCH_KW ;

// Global parameter values are token runs: numbers, strings, booleans, names, and listen specs such
// as 'udp:10.0.0.1:5060 advertise 1.2.3.4:5060 name "pub"' (whose text the host parses).
paramValue : paramAtom+ ;
paramAtom
    : '-'? NUMBER | string | BOOL | ID | DOTTED | HOST_NAME | IPV4 | IPV6 | PROTO_KW | ADVERTISE | ':' | '*'
    | '/' | ',' | '(' ')' | '(' | ')' | PVAR | MATCH_KW
    ;

block : '{' stmt* '}' ;

stmt
    : block                                                                      # blockStmt
    | IF expr stmt ( ELSE stmt )?                                                # ifStmt
    | SWITCH '(' expr ')' '{' caseClause* '}'                                     # switchStmt
    | WHILE expr stmt                                                            # whileStmt
    | PVAR '=' expr ';'                                                          # assignStmt
    | PVAR op=( PLUS_ASSIGN | COLON_ASSIGN ) expr ';'                            # badAssignStmt
    | RETURN ( '(' ')' | expr )? ';'                                             # returnStmt
    | EXIT ( '(' ')' | expr )? ';'                                               # exitStmt
    | DROP ( '(' ')' | expr )? ';'                                               # dropStmt
    | BREAK ';'                                                                  # breakStmt
    | call ';'                                                                   # callStmt
    | routeKind ( '[' routeName ']' | bracketed=IPV6 )? '{' stmt* '}'            # nestedRoute
    | ';'                                                                        # emptyStmt
    ;

caseClause
    : CASE caseLabel ':' stmt*                                                   # caseLabelled
    | DEFAULT ':' stmt*                                                          # caseDefault
    ;
caseLabel : '/' string | string | '-'? NUMBER | ID ;

call : name=callName ( '(' ( arg ( ',' arg )* )? ')' )? ;
callName : ID | ROUTE ;
arg : sockSpec | expr ;

// force_send_socket(udp:127.0.0.1:5060), forward(tcp:host:5060): a socket written bare
sockSpec
    : PROTO_KW ':' ( IPV4 | IPV6 | ID | DOTTED | HOST_NAME | '*' ) ( ':' NUMBER )?
    | ( IPV4 | IPV6 | DOTTED | HOST_NAME ) ':' NUMBER
    ;

// Kamailio's if and while take an expression, parenthesised or not: if !($rU =~ "^1") { ... }.
// Highest precedence first (ANTLR's left-recursion rule); KAMAILIO.md 2.6 gives the table.
expr
    : primary                                                                    # primaryExpr
    | cast=( CAST_INT | CAST_STR ) expr                                          # castExpr
    | DEFINED expr                                                               # definedExpr
    | op=( '!' | NOT | '~' | '-' ) expr                                          # unaryExpr
    | expr op=( '*' | '/' | MOD | '%' ) expr                                     # binaryExpr
    | expr op=( '+' | '-' ) expr                                                 # binaryExpr
    | expr op=( '>' | '<' | '>=' | '<=' ) expr                                   # binaryExpr
    | expr op=( '==' | '!=' | '=~' | EQ_S | NE_S | IEQ | INE | NOT_MATCH ) expr  # binaryExpr
    | expr op='>>' expr                                                          # binaryExpr
    | expr op='<<' expr                                                          # binaryExpr
    | expr op='^' expr                                                           # binaryExpr
    | expr op='&' expr                                                           # binaryExpr
    | expr op='|' expr                                                           # binaryExpr
    | expr op=( '&&' | AND ) expr                                                # binaryExpr
    | expr op=( '||' | OR ) expr                                                 # binaryExpr
    ;

primary
    : '(' expr ')'                                                               # parenPrimary
    | STRLEN '(' expr ')'                                                        # strlenPrimary
    | STREMPTY '(' expr ')'                                                      # strEmptyPrimary
    | SELVAL '(' expr ',' expr ',' expr ')'                                      # selvalPrimary
    | NUMBER                                                                     # numberPrimary
    | BOOL                                                                       # boolPrimary
    | string                                                                     # stringPrimary
    | PVAR                                                                       # pvarPrimary
    | SELECT                                                                     # selectPrimary
    | MATCH_KW                                                                   # matchKeywordPrimary
    | MYSELF                                                                     # myselfPrimary
    | address=( IPV4 | IPV6 ) ( '/' mask=( NUMBER | IPV4 ) )?                    # addressPrimary
    | callName '(' ( arg ( ',' arg )* )? ')'                                     # callPrimary
    | ID                                                                         # namePrimary
    | PROTO_KW                                                                   # protoPrimary
    | DOTTED                                                                     # dottedPrimary
    ;

string : ( DQSTRING | SQSTRING )+ ;

// ---- lexer -----------------------------------------------------------------------------------

LOADMODULE   : 'loadmodule' | 'loadmodulex' ;
CFGENGINE    : 'cfgengine' ;
LOADPATH     : 'loadpath' | 'mpath' ;
MODPARAM     : 'modparam' | 'modparamx' ;
FLAGS        : 'flags' | 'avpflags' ;
DESC         : 'desc' | 'descr' ;
REQUEST_ROUTE: 'request_route' ;
ROUTE        : 'route' ;
FAILURE_ROUTE: 'failure_route' ;
ONREPLY_ROUTE: 'onreply_route' ;
REPLY_ROUTE  : 'reply_route' ;
BRANCH_ROUTE : 'branch_route' ;
ONSEND_ROUTE : 'onsend_route' ;
EVENT_ROUTE  : 'event_route' ;
IF           : 'if' ;
ELSE         : 'else' ;
SWITCH       : 'switch' ;
CASE         : 'case' ;
DEFAULT      : 'default' ;
WHILE        : 'while' ;
RETURN       : 'return' ;
EXIT         : 'exit' ;
DROP         : 'drop' ;
BREAK        : 'break' ;
LISTEN       : 'listen' ;
ALIAS        : 'alias' ;
ADVERTISE    : 'advertise' | 'ADVERTISE' ;
MOD          : 'mod' ;
NOT          : 'not' ;
AND          : 'and' ;
OR           : 'or' ;
EQ_S         : 'eq' ;
NE_S         : 'ne' ;
IEQ          : 'ieq' ;
INE          : 'ine' ;
DEFINED      : 'defined' ;
STRLEN       : 'strlen' ;
STREMPTY     : 'strempty' ;
SELVAL       : 'selval' ;
MYSELF       : 'myself' ;
MATCH_KW     : 'method' | 'uri' | 'from_uri' | 'to_uri' | 'src_ip' | 'src_port' | 'dst_ip' | 'dst_port'
             | 'snd_ip' | 'snd_port' | 'snd_proto' | 'snd_af' | 'to_ip' | 'to_port' | 'to_proto'
             | 'proto' | 'af' | 'status' | 'msg:len' ;
PROTO_KW     : [uU][dD][pP] | [tT][cC][pP] | [tT][lL][sS] | [sS][cC][tT][pP] | [wW][sS] | [wW][sS][sS] ;
BOOL         : 'yes' | 'no' | 'on' | 'off' | 'true' | 'false' | 'enable' | 'disable' ;
CAST_INT     : '(' [ \t\r\n]* 'int' [ \t\r\n]* ')' ;
CAST_STR     : '(' [ \t\r\n]* 'str' [ \t\r\n]* ')' ;

PLUS_ASSIGN  : '+=' ;
COLON_ASSIGN : ':=' ;
NOT_MATCH    : '!~' ;

PVAR         : '$' ( PV_PARENS | [a-zA-Z_] [a-zA-Z0-9_.]* PV_PARENS? | '?' ) ;
// Parentheses nest; quotes mean nothing here, as in Kamailio's lexer (its PVAR_P state), so a
// transformation's regex may hold one: $(hdr(Allow){re.subst,/(methods="[^"]*")//})
fragment PV_PARENS : '(' ( PV_PARENS | ~[()] )* ')' ;

// A select, Kamailio's older way to read values: @cfg_get.group.var, @via[1].branch, @hf_value["X"]
SELECT       : '@' [a-zA-Z_] [a-zA-Z0-9_]* ( '.' [a-zA-Z_] [a-zA-Z0-9_]* | '[' ~[\]\r\n]* ']' )* ;

IPV4         : DEC_OCTET '.' DEC_OCTET '.' DEC_OCTET '.' DEC_OCTET ;
fragment DEC_OCTET : [0-9] [0-9]? [0-9]? ;
IPV6         : '[' [0-9a-fA-F.]* ':' [0-9a-fA-F:.]* ']'
             | [0-9a-fA-F]* ':' ':' [0-9a-fA-F:.]*          // bare, with '::' (src_ip == ::1)
             | HEX4 ':' HEX4 ':' HEX4 ':' HEX4 ':' HEX4 ':' HEX4 ':' HEX4 ':' HEX4 ;
fragment HEX4 : [0-9a-fA-F] [0-9a-fA-F]? [0-9a-fA-F]? [0-9a-fA-F]? ;
NUMBER       : '0' [xX] [0-9a-fA-F]+ | [01]+ 'b' | [0-9]+ ;
DOTTED       : [a-zA-Z_] [a-zA-Z0-9_]* ( '.' [a-zA-Z0-9_]+ )+ ;
ID           : [a-zA-Z_] [a-zA-Z0-9_]* ;
// A host name with a '-' or a label that starts with a digit (alias=sip-proxy.service.consul,
// edge-1.example.com, sip-proxy): a name, an address or a cfg variable of the same length lexes as
// those, and no expression is one (10-2 stays a subtraction: a name starts with a letter)
HOST_NAME    : [a-zA-Z_] [a-zA-Z0-9_]* ( '-' [a-zA-Z0-9_]+ )+ ( '.' HOST_LABEL )*
             | [a-zA-Z0-9_]+ ( '-' [a-zA-Z0-9_-]* )? ( '.' HOST_LABEL )+ ;
fragment HOST_LABEL : [a-zA-Z0-9_] [a-zA-Z0-9_-]* ;

DQSTRING     : '"' ( '\\' . | ~["\\] )* '"' ;
SQSTRING     : '\'' ~[']* '\'' ;
UNTERMINATED_STRING : '"' ( '\\' . | ~["\\] )* EOF | '\'' ~[']* EOF ;

WS           : ( [ \t\r\n\b] | '\\' '\r'? '\n' )+ -> skip ;

OTHER        : . ;
