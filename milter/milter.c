/* milter - being written */
#include "config.h"
