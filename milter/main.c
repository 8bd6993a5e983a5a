/* main - being written */
#include "config.h"
