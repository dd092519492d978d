/* 70b000000009_topo_09.c - revision 9 of 50 of the topo_chain fixture (topo_chain.h). */
#include "topo_chain.h"

VHOST_REVISION("70b000000009", "70b000000008", "topo 9");
TOPO_BODY(9)
