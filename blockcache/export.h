// RK_API marks the public API of every rasterkit library: the only symbols the shared libraries
// export (everything else is built with -fvisibility=hidden). On ELF one macro serves both building
// and using the libraries.
#pragma once

#if defined(_WIN32)
#define RK_API
#else
#define RK_API [[gnu::visibility("default")]]
#endif
