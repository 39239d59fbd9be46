/* exit(3) after output buffered by stdio and an atexit handler: the status is
 * 3 and both the buffered text and the handler's text appear. */
#include <stdio.h>
#include <stdlib.h>

static void on_exit_handler(void) { printf("atexit handler ran\n"); }

int main(void) {
    atexit(on_exit_handler);
    printf("exiting with status 3\n"); /* still in the stdio buffer at exit */
    exit(3);
}
