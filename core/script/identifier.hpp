// Which code points may start and continue a Python identifier: XID_Start and XID_Continue
// as Python 3.11 (Unicode 14.0.0) has them, the tokenizer's check of a name. '_' is not
// XID_Start; the tokenizer allows it at the start itself.
#pragma once

namespace bl::script {

bool is_xid_start(char32_t c);
bool is_xid_continue(char32_t c);

}  // namespace bl::script
