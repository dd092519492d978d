/* 70b000000033_topo_33.c - revision 33 of 50 of the topo_chain fixture (topo_chain.h). */
#include "topo_chain.h"

VHOST_REVISION("70b000000033", "70b000000032", "topo 33");
TOPO_BODY(33)
