/* 70b000000013_topo_13.c - revision 13 of 50 of the topo_chain fixture (topo_chain.h). */
#include "topo_chain.h"

VHOST_REVISION("70b000000013", "70b000000012", "topo 13");
TOPO_BODY(13)
