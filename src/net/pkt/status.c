// SPDX-License-Identifier: MIT
#include "net/pkt/pkt.h"

const char *pkt_status_str(enum pkt_status s)
{
    switch (s) {
    case PKT_OK:
        return "ok";
    case PKT_TRUNCATED:
        return "truncated";
    case PKT_BAD_VERSION:
        return "bad IP version";
    case PKT_BAD_HEADER_LEN:
        return "bad header length";
    case PKT_BAD_TOTAL_LEN:
        return "bad total length";
    case PKT_BAD_OPTION:
        return "malformed options";
    case PKT_BAD_LENGTH:
        return "bad length field";
    case PKT_BAD_TYPE:
        return "unexpected message type";
    case PKT_NO_SPACE:
        return "buffer too small";
    case PKT_BAD_ARG:
        return "bad parameter";
    }
    return "unknown status";
}
