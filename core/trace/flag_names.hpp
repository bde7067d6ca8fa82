// Symbolic names of flag arguments, spelled as strace spells them.
#pragma once

#include <cstdint>
#include <string>

namespace bl::trace {

std::string open_flag_names(int flags);      // "O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC"
std::string pipe_flag_names(int flags);      // "O_NONBLOCK|O_CLOEXEC", "0"
std::string whence_name(int whence);         // "SEEK_CUR"
std::string prot_names(int prot);            // "PROT_READ|PROT_WRITE"
std::string map_flag_names(int flags);       // "MAP_SHARED"
std::string msync_flag_names(int flags);     // "MS_SYNC"
std::string mode_octal(std::uint32_t mode);  // "0666"

}  // namespace bl::trace
