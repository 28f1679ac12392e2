// SPDX-License-Identifier: MIT
// Placeholder entry point replaced during integration (see issue 2).
int main(void) { return 1; }
