/* diag - being written */
#include "config.h"
