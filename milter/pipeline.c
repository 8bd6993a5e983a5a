/* pipeline - being written */
#include "config.h"
