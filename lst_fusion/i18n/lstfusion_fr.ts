<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR">
<context>
    <name>@default</name>
    <message>
        <location filename="../plugin.py" line="51"/>
        <source>LST Fusion panel</source>
        <translation>Panneau LST Fusion</translation>
    </message>
    <message>
        <location filename="../algorithms/conventions.py" line="133"/>
        <source>optional</source>
        <translation>facultatif</translation>
    </message>
    <message>
        <location filename="../algorithms/conventions.py" line="135"/>
        <source>advanced</source>
        <translation>avancé</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>LST Fusion</source>
        <translation>LST Fusion</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>LST Fusion - MODIS/Landsat land-surface temperature fusion</source>
        <translation>LST Fusion - fusion MODIS/Landsat de la température de surface terrestre</translation>
    </message>
    <message>
        <location filename="../ui/download.py" line="25"/>
        <source>Date</source>
        <translation>Date</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Acquisition date</source>
        <translation>Date d'acquisition</translation>
    </message>
    <message>
        <location filename="../ui/download.py" line="25"/>
        <source>Sensor</source>
        <translation>Capteur</translation>
    </message>
    <message>
        <location filename="../ui/download.py" line="25"/>
        <source>Sensor of the item</source>
        <translation>Capteur de l'item</translation>
    </message>
    <message>
        <location filename="../ui/download.py" line="25"/>
        <source>Cloud %</source>
        <translation>Nuages %</translation>
    </message>
    <message>
        <location filename="../ui/download.py" line="25"/>
        <source>Cloud cover of the whole scene (eo:cloud_cover; Landsat only)</source>
        <translation>Couverture nuageuse de la scène entière (eo:cloud_cover ; Landsat seulement)</translation>
    </message>
    <message>
        <location filename="../ui/download.py" line="25"/>
        <source>Clear %</source>
        <translation>Dégagé %</translation>
    </message>
    <message>
        <location filename="../ui/download.py" line="25"/>
        <source>Clear pixels inside the area of interest, counted on the data after the QC/QA masks</source>
        <translation>Pixels dégagés dans la zone d'intérêt, comptés sur les données après les masques QC/QA</translation>
    </message>
    <message>
        <location filename="../ui/download.py" line="25"/>
        <source>Status</source>
        <translation>État</translation>
    </message>
    <message>
        <location filename="../ui/download.py" line="25"/>
        <source>found (Search), downloaded, kept (complete from an earlier run), rejected, skipped, failed</source>
        <translation>trouvé (Rechercher), téléchargé, conservé (complet d'une exécution antérieure), rejeté, ignoré, échoué</translation>
    </message>
    <message>
        <location filename="../ui/download.py" line="25"/>
        <source>Item</source>
        <translation>Item</translation>
    </message>
    <message>
        <location filename="../ui/download.py" line="25"/>
        <source>STAC item id</source>
        <translation>Identifiant de l'item STAC</translation>
    </message>
    <message>
        <location filename="../ui/download.py" line="25"/>
        <source>Reason</source>
        <translation>Motif</translation>
    </message>
    <message>
        <location filename="../ui/download.py" line="25"/>
        <source>Why an item was rejected, skipped or failed</source>
        <translation>Pourquoi un item a été rejeté, ignoré ou a échoué</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Download</source>
        <translation>Télécharger</translation>
    </message>
    <message>
        <location filename="../ui/download.py" line="72"/>
        <source>A polygon layer: its polygons bound the search and the clear percentage (AOI); empty = the extent drawn below</source>
        <translation>Une couche de polygones : ses polygones délimitent la recherche et le pourcentage dégagé (AOI) ; vide = l'emprise dessinée ci-dessous</translation>
    </message>
    <message>
        <location filename="../ui/download.py" line="74"/>
        <source>Polygons</source>
        <translation>Polygones</translation>
    </message>
    <message>
        <location filename="../ui/download.py" line="77"/>
        <source>Draw extent</source>
        <translation>Dessiner l'emprise</translation>
    </message>
    <message>
        <location filename="../ui/download.py" line="78"/>
        <source>Drag a rectangle on the map as the area of interest (AOI)</source>
        <translation>Tracez un rectangle sur la carte comme zone d'intérêt (AOI)</translation>
    </message>
    <message>
        <location filename="../ui/download.py" line="84"/>
        <source>or extent</source>
        <translation>ou emprise</translation>
    </message>
    <message>
        <location filename="../ui/download.py" line="86"/>
        <source>First acquisition date (START)</source>
        <translation>Première date d'acquisition (START)</translation>
    </message>
    <message>
        <location filename="../ui/download.py" line="87"/>
        <source>Last acquisition date, included (END)</source>
        <translation>Dernière date d'acquisition, incluse (END)</translation>
    </message>
    <message>
        <location filename="../ui/series.py" line="62"/>
        <source>to</source>
        <translation>au</translation>
    </message>
    <message>
        <location filename="../ui/validate.py" line="28"/>
        <source>Dates</source>
        <translation>Dates</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Sensors</source>
        <translation>Capteurs</translation>
    </message>
    <message>
        <location filename="../ui/download.py" line="100"/>
        <source>Landsat scenes whose whole-scene cloud cover is above this are not read (MAX_CLOUD)</source>
        <translation>Les scènes Landsat dont la couverture nuageuse (scène entière) dépasse ce seuil ne sont pas lues (MAX_CLOUD)</translation>
    </message>
    <message>
        <location filename="../ui/download.py" line="102"/>
        <source>Dates with fewer clear pixels inside the area are rejected by Download (MIN_CLEAR)</source>
        <translation>Les dates ayant moins de pixels dégagés dans la zone sont rejetées par Télécharger (MIN_CLEAR)</translation>
    </message>
    <message>
        <location filename="../ui/download.py" line="105"/>
        <source>min. clear</source>
        <translation>dégagé min.</translation>
    </message>
    <message>
        <location filename="../ui/download.py" line="107"/>
        <source>Max. cloud</source>
        <translation>Nuages max.</translation>
    </message>
    <message>
        <location filename="../ui/download.py" line="148"/>
        <source>A STAC API: its root or its /search endpoint (STAC_URL)</source>
        <translation>Une API STAC : sa racine ou son point d'accès /search (STAC_URL)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>STAC API</source>
        <translation>API STAC</translation>
    </message>
    <message>
        <location filename="../ui/download.py" line="112"/>
        <source>optional; empty = automatic</source>
        <translation>facultatif ; vide = automatique</translation>
    </message>
    <message>
        <location filename="../ui/download.py" line="113"/>
        <source>Token endpoint for signed asset URLs (TOKEN_URL); empty = Planetary Computer&apos;s for its API, none for others</source>
        <translation>Point d'accès des jetons pour les URL signées des fichiers (TOKEN_URL) ; vide = celui de Planetary Computer pour son API, aucun pour les autres</translation>
    </message>
    <message>
        <location filename="../ui/download.py" line="115"/>
        <source>Token endpoint</source>
        <translation>URL des jetons</translation>
    </message>
    <message>
        <location filename="../ui/download.py" line="118"/>
        <source>Folder for MOD11A1/, MYD11A1/, landsat/ and downloads.csv; a re-run into it resumes (OUTPUT)</source>
        <translation>Dossier de MOD11A1/, MYD11A1/, landsat/ et downloads.csv ; une nouvelle exécution dans ce dossier reprend là où elle s'était arrêtée (OUTPUT)</translation>
    </message>
    <message>
        <location filename="../ui/validate.py" line="100"/>
        <source>Output folder</source>
        <translation>Dossier de sortie</translation>
    </message>
    <message>
        <location filename="../ui/download.py" line="123"/>
        <source>Search</source>
        <translation>Rechercher</translation>
    </message>
    <message>
        <location filename="../ui/download.py" line="124"/>
        <source>List the items with their clear percentage in the area; writes no raster</source>
        <translation>Liste les items avec leur pourcentage dégagé dans la zone ; n'écrit aucun raster</translation>
    </message>
    <message>
        <location filename="../ui/download.py" line="127"/>
        <source>Write one LST raster per sensor and date, then fill the Series folders</source>
        <translation>Écrit un raster LST par capteur et par date, puis renseigne les dossiers de la section Série</translation>
    </message>
    <message>
        <location filename="../ui/download.py" line="188"/>
        <source>the polygons of {layer} are used</source>
        <translation>les polygones de {layer} sont utilisés</translation>
    </message>
    <message>
        <location filename="../ui/download.py" line="193"/>
        <source>x {x0} to {x1}
y {y0} to {y1}
{crs}</source>
        <translation>x de {x0} à {x1}
y de {y0} à {y1}
{crs}</translation>
    </message>
    <message>
        <location filename="../ui/download.py" line="196"/>
        <source>none drawn</source>
        <translation>aucune dessinée</translation>
    </message>
    <message>
        <location filename="../ui/download.py" line="202"/>
        <source>Drag a rectangle on the map for the area of interest</source>
        <translation>Tracez un rectangle sur la carte pour la zone d'intérêt</translation>
    </message>
    <message>
        <location filename="../ui/download.py" line="285"/>
        <source>Fix the Download section first: </source>
        <translation>Corrigez d'abord la section Télécharger : </translation>
    </message>
    <message>
        <location filename="../ui/download.py" line="304"/>
        <source>Search: {found} item(s) found ({modis} MODIS, {landsat} Landsat)</source>
        <translation>Recherche : {found} item(s) trouvé(s) ({modis} MODIS, {landsat} Landsat)</translation>
    </message>
    <message>
        <location filename="../ui/download.py" line="307"/>
        <source>; {low} below the minimum clear {min_clear:g} % (Download rejects them)</source>
        <translation> ; {low} sous le minimum dégagé de {min_clear:g} % (Télécharger les rejette)</translation>
    </message>
    <message>
        <location filename="../ui/download.py" line="310"/>
        <source>; {n} skipped or failed (see Reason)</source>
        <translation> ; {n} ignoré(s) ou en échec (voir Motif)</translation>
    </message>
    <message>
        <location filename="../ui/download.py" line="311"/>
        <source>. No raster written.</source>
        <translation>. Aucun raster écrit.</translation>
    </message>
    <message>
        <location filename="../ui/download.py" line="317"/>
        <source>Downloaded: {n_modis} MODIS and {n_landsat} Landsat date(s) in {folder}</source>
        <translation>Téléchargé : {n_modis} date(s) MODIS et {n_landsat} date(s) Landsat dans {folder}</translation>
    </message>
    <message>
        <location filename="../ui/download.py" line="322"/>
        <source> (items: {counts})</source>
        <translation> (items : {counts})</translation>
    </message>
    <message>
        <location filename="../ui/download.py" line="326"/>
        <source>; the Series folders are set</source>
        <translation> ; les dossiers de la section Série sont renseignés</translation>
    </message>
    <message>
        <location filename="../ui/download.py" line="346"/>
        <source>{clear} % clear: below the minimum {min_clear:g} %, Download rejects it</source>
        <translation>{clear} % dégagé : sous le minimum de {min_clear:g} %, Télécharger le rejette</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Evaluation</source>
        <translation>Évaluation</translation>
    </message>
    <message>
        <location filename="../ui/evaluation.py" line="54"/>
        <source>Prediction</source>
        <translation>Prédiction</translation>
    </message>
    <message>
        <location filename="../ui/evaluation.py" line="57"/>
        <source>Reference</source>
        <translation>Référence</translation>
    </message>
    <message>
        <location filename="../ui/evaluation.py" line="62"/>
        <source>Subregions</source>
        <translation>Sous-régions</translation>
    </message>
    <message>
        <location filename="../ui/evaluation.py" line="65"/>
        <source>Name field</source>
        <translation>Champ du nom</translation>
    </message>
    <message>
        <location filename="../ui/evaluation.py" line="68"/>
        <source>Draw rectangle</source>
        <translation>Dessiner un rectangle</translation>
    </message>
    <message>
        <location filename="../ui/evaluation.py" line="70"/>
        <source>Clear rectangles</source>
        <translation>Effacer les rectangles</translation>
    </message>
    <message>
        <location filename="../ui/evaluation.py" line="75"/>
        <source>Evaluate</source>
        <translation>Évaluer</translation>
    </message>
    <message>
        <location filename="../ui/validate.py" line="107"/>
        <source>Open report</source>
        <translation>Ouvrir le rapport</translation>
    </message>
    <message>
        <location filename="../ui/evaluation.py" line="103"/>
        <source>{n} rectangle(s) drawn</source>
        <translation>{n} rectangle(s) dessiné(s)</translation>
    </message>
    <message>
        <location filename="../ui/fusion.py" line="25"/>
        <source>PyTorch not installed (deep models unavailable)</source>
        <translation>PyTorch n'est pas installé (modèles profonds indisponibles)</translation>
    </message>
    <message>
        <location filename="../ui/fusion.py" line="28"/>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <location filename="../ui/fusion.py" line="54"/>
        <source>Fusion</source>
        <translation>Fusion</translation>
    </message>
    <message>
        <location filename="../ui/fusion.py" line="64"/>
        <source>Acquisition date, read from the layer or file name; editable</source>
        <translation>Date d'acquisition, lue dans le nom de la couche ou du fichier ; modifiable</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Method</source>
        <translation>Méthode</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Checkpoint</source>
        <translation>Checkpoint</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Device</source>
        <translation>Processeur</translation>
    </message>
    <message>
        <location filename="../ui/fusion.py" line="94"/>
        <source>optional; empty = a temporary file</source>
        <translation>facultatif ; vide = un fichier temporaire</translation>
    </message>
    <message>
        <location filename="../ui/fusion.py" line="95"/>
        <source>Output</source>
        <translation>Sortie</translation>
    </message>
    <message>
        <location filename="../ui/fusion.py" line="96"/>
        <source>Run</source>
        <translation>Lancer</translation>
    </message>
    <message>
        <location filename="../ui/fusion.py" line="145"/>
        <source>Missing: {parameters}</source>
        <translation>Manquant : {parameters}</translation>
    </message>
    <message>
        <location filename="../ui/fusion.py" line="151"/>
        <source>{n}: CRS {crs} differs from {first} ({first_crs})</source>
        <translation>{n} : le SCR {crs} diffère de celui de {first} ({first_crs})</translation>
    </message>
    <message>
        <location filename="../ui/fusion.py" line="154"/>
        <source>{n}: grid differs from {first} (resample it with lstfusion:resample)</source>
        <translation>{n} : la grille diffère de celle de {first} (rééchantillonnez-la avec lstfusion:resample)</translation>
    </message>
    <message>
        <location filename="../ui/fusion.py" line="159"/>
        <source>{a} and {b} are not the same day</source>
        <translation>{a} et {b} ne sont pas du même jour</translation>
    </message>
    <message>
        <location filename="../ui/fusion.py" line="177"/>
        <source>Fix the inputs first: </source>
        <translation>Corrigez d'abord les entrées : </translation>
    </message>
    <message>
        <location filename="../ui/fusion.py" line="188"/>
        <source>Done: {output}</source>
        <translation>Terminé : {output}</translation>
    </message>
    <message>
        <location filename="../ui/series.py" line="39"/>
        <source>Series</source>
        <translation>Série</translation>
    </message>
    <message>
        <location filename="../ui/series.py" line="40"/>
        <source>Folder of daily MODIS rasters dated by their names (MODIS)</source>
        <translation>Dossier des rasters MODIS quotidiens, datés par leur nom (MODIS)</translation>
    </message>
    <message>
        <location filename="../ui/series.py" line="41"/>
        <source>MODIS folder</source>
        <translation>Dossier MODIS</translation>
    </message>
    <message>
        <location filename="../ui/series.py" line="42"/>
        <source>Folder of Landsat rasters dated by their names, all on one grid (LANDSAT)</source>
        <translation>Dossier des rasters Landsat datés par leur nom, tous sur une même grille (LANDSAT)</translation>
    </message>
    <message>
        <location filename="../ui/series.py" line="43"/>
        <source>Landsat folder</source>
        <translation>Dossier Landsat</translation>
    </message>
    <message>
        <location filename="../ui/series.py" line="44"/>
        <source>Fusion method (METHOD); auto chooses by leave-one-date-out on the series&apos; pairs</source>
        <translation>Méthode de fusion (METHOD) ; auto choisit par validation croisée « une date exclue » sur les paires de la série</translation>
    </message>
    <message>
        <location filename="../ui/series.py" line="50"/>
        <source>MODIS-consistent residual correction (RESIDUAL_CORRECTION): &apos;scene mean&apos; is the variant +SM of the validation, &apos;MODIS footprint&apos; is +RC</source>
        <translation>Correction des résidus cohérente avec MODIS (RESIDUAL_CORRECTION) : « moyenne de la scène » est la variante +SM de la validation, « empreinte MODIS » est +RC</translation>
    </message>
    <message>
        <location filename="../ui/series.py" line="53"/>
        <source>Correction</source>
        <translation>Correction</translation>
    </message>
    <message>
        <location filename="../ui/series.py" line="54"/>
        <source>method&apos;s own</source>
        <translation>celles de la méthode</translation>
    </message>
    <message>
        <location filename="../ui/series.py" line="54"/>
        <source>Reference pairs of a method that can run with one or two, STARFM (PAIRS): as validate_methods names its rows, &apos;STARFM (1 pair)&apos; or &apos;STARFM (2 pairs)&apos;</source>
        <translation>Paires de référence d'une méthode qui peut travailler avec une ou deux, STARFM (PAIRS) : comme validate_methods nomme ses lignes, « STARFM (1 pair) » ou « STARFM (2 pairs) »</translation>
    </message>
    <message>
        <location filename="../ui/series.py" line="58"/>
        <source>Pairs</source>
        <translation>Paires</translation>
    </message>
    <message>
        <location filename="../ui/series.py" line="59"/>
        <source>First date (START); none = the first MODIS date</source>
        <translation>Première date (START) ; aucune = la première date MODIS</translation>
    </message>
    <message>
        <location filename="../ui/series.py" line="60"/>
        <source>Last date, included (END); none = the last MODIS date</source>
        <translation>Dernière date, incluse (END) ; aucune = la dernière date MODIS</translation>
    </message>
    <message>
        <location filename="../ui/series.py" line="65"/>
        <source>Series folder (OUTPUT); empty = a temporary folder</source>
        <translation>Dossier de la série (OUTPUT) ; vide = un dossier temporaire</translation>
    </message>
    <message>
        <location filename="../ui/series.py" line="67"/>
        <source>Run series</source>
        <translation>Lancer la série</translation>
    </message>
    <message>
        <location filename="../ui/series.py" line="153"/>
        <source> and {maps} uncertainty maps</source>
        <translation> et {maps} cartes d'incertitude</translation>
    </message>
    <message>
        <location filename="../ui/series.py" line="154"/>
        <source>Series done: {loaded} dated layers{unc} from {folder}</source>
        <translation>Série terminée : {loaded} couches datées{unc} depuis {folder}</translation>
    </message>
    <message>
        <location filename="../ui/tasks.py" line="52"/>
        <source>Another task is running: wait for it or cancel it first.</source>
        <translation>Une autre tâche est en cours : attendez-la ou annulez-la d'abord.</translation>
    </message>
    <message>
        <location filename="../ui/tasks.py" line="56"/>
        <source>Algorithm {algorithm} is not registered</source>
        <translation>L'algorithme {algorithm} n'est pas enregistré</translation>
    </message>
    <message>
        <location filename="../ui/tasks.py" line="73"/>
        <source>Running {algorithm} …</source>
        <translation>Exécution de {algorithm} …</translation>
    </message>
    <message>
        <location filename="../ui/tasks.py" line="81"/>
        <source>Cancelling …</source>
        <translation>Annulation …</translation>
    </message>
    <message>
        <location filename="../ui/tasks.py" line="93"/>
        <source>Running: {text}</source>
        <translation>En cours : {text}</translation>
    </message>
    <message>
        <location filename="../ui/tasks.py" line="103"/>
        <source>Cancelled; {nothing_written}.</source>
        <translation>Annulé ; {nothing_written}.</translation>
    </message>
    <message>
        <location filename="../ui/tasks.py" line="106"/>
        <source>Failed: {error}</source>
        <translation>Échec : {error}</translation>
    </message>
    <message>
        <location filename="../ui/tasks.py" line="106"/>
        <source>Failed: see the log panel (Processing tab) for the reason.</source>
        <translation>Échec : le motif est dans le panneau du journal (onglet Traitements).</translation>
    </message>
    <message>
        <location filename="../ui/tasks.py" line="131"/>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <location filename="../ui/validate.py" line="26"/>
        <source>mean {metric} over the test dates</source>
        <translation>{metric} moyen sur les dates de test</translation>
    </message>
    <message>
        <location filename="../ui/validate.py" line="28"/>
        <source>method or baseline</source>
        <translation>méthode ou référence de comparaison</translation>
    </message>
    <message>
        <location filename="../ui/validate.py" line="28"/>
        <source>Variant</source>
        <translation>Variante</translation>
    </message>
    <message>
        <location filename="../ui/validate.py" line="28"/>
        <source>as is, +SM (scene-mean correction), +RC (correction per MODIS footprint)</source>
        <translation>telle quelle, +SM (correction de la moyenne de la scène), +RC (correction par empreinte MODIS)</translation>
    </message>
    <message>
        <location filename="../ui/validate.py" line="28"/>
        <source>test dates</source>
        <translation>dates de test</translation>
    </message>
    <message>
        <location filename="../ui/validate.py" line="33"/>
        <source>Beats MODIS</source>
        <translation>Bat MODIS</translation>
    </message>
    <message>
        <location filename="../ui/validate.py" line="33"/>
        <source>test dates on which its RMSE is below MODIS resampled&apos;s</source>
        <translation>dates de test où son RMSE est inférieur à celui de MODIS rééchantillonné</translation>
    </message>
    <message>
        <location filename="../ui/validate.py" line="33"/>
        <source>vs MODIS</source>
        <translation>vs MODIS</translation>
    </message>
    <message>
        <location filename="../ui/validate.py" line="33"/>
        <source>mean RMSE relative to MODIS resampled&apos;s (positive: lower, better)</source>
        <translation>RMSE moyen relatif à celui de MODIS rééchantillonné (positif : plus bas, meilleur)</translation>
    </message>
    <message>
        <location filename="../ui/validate.py" line="101"/>
        <source>Validate</source>
        <translation>Valider</translation>
    </message>
    <message>
        <location filename="../ui/validate.py" line="74"/>
        <source>A folder written by lstfusion:align_pairs, with index.csv (DATASET)</source>
        <translation>Un dossier écrit par lstfusion:align_pairs, avec index.csv (DATASET)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Dataset folder</source>
        <translation>Jeu de données</translation>
    </message>
    <message>
        <location filename="../ui/validate.py" line="76"/>
        <source>the Series folders instead</source>
        <translation>les dossiers de la section Série à la place</translation>
    </message>
    <message>
        <location filename="../ui/validate.py" line="77"/>
        <source>The rasters of the Series section&apos;s MODIS and Landsat folders, passed as MODIS and LANDSAT: they are aligned into &lt;output&gt;/validation_dataset first</source>
        <translation>Les rasters des dossiers MODIS et Landsat de la section Série, passés comme MODIS et LANDSAT : ils sont d'abord alignés dans &lt;output&gt;/validation_dataset</translation>
    </message>
    <message>
        <location filename="../ui/validate.py" line="89"/>
        <source>classical</source>
        <translation>classique</translation>
    </message>
    <message>
        <location filename="../ui/validate.py" line="89"/>
        <source>deep model, trained anew per test date (small size)</source>
        <translation>modèle profond, réentraîné pour chaque date de test (petite taille)</translation>
    </message>
    <message>
        <location filename="../ui/validate.py" line="89"/>
        <source>; PyTorch is not installed</source>
        <translation> ; PyTorch n'est pas installé</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Methods</source>
        <translation>Méthodes</translation>
    </message>
    <message>
        <location filename="../ui/validate.py" line="97"/>
        <source>Deep models: training budget per test date in epochs, with early stopping (EPOCHS)</source>
        <translation>Modèles profonds : budget d'entraînement par date de test en époques, avec arrêt anticipé (EPOCHS)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Epochs</source>
        <translation>Époques</translation>
    </message>
    <message>
        <location filename="../ui/validate.py" line="99"/>
        <source>Folder for validation.csv and validation.html; empty = a temporary folder</source>
        <translation>Dossier de validation.csv et validation.html ; vide = un dossier temporaire</translation>
    </message>
    <message>
        <location filename="../ui/validate.py" line="102"/>
        <source>Leave-one-date-out over every pair with a pair before and after it</source>
        <translation>Validation « une date exclue » sur chaque paire ayant une paire avant et une paire après</translation>
    </message>
    <message>
        <location filename="../ui/validate.py" line="110"/>
        <source>Use recommendation</source>
        <translation>Appliquer la recommandation</translation>
    </message>
    <message>
        <location filename="../ui/validate.py" line="112"/>
        <source>Set the Series section&apos;s method and correction to the recommendation</source>
        <translation>Règle la méthode et la correction de la section Série sur la recommandation</translation>
    </message>
    <message>
        <location filename="../ui/validate.py" line="169"/>
        <source>Validated on {n} test date(s): recommended {method} {variant}</source>
        <translation>Validé sur {n} date(s) de test : recommandé {method} {variant}</translation>
    </message>
    <message>
        <location filename="../ui/validate.py" line="175"/>
        <source>; but no method beats {baseline} on this series</source>
        <translation> ; mais aucune méthode ne bat {baseline} sur cette série</translation>
    </message>
    <message>
        <location filename="../ui/validate.py" line="191"/>
        <source>the recommendation</source>
        <translation>la recommandation</translation>
    </message>
    <message>
        <location filename="../ui/validate.py" line="209"/>
        <source>{method} is not a method of the Series section</source>
        <translation>{method} n'est pas une méthode de la section Série</translation>
    </message>
    <message>
        <location filename="../ui/validate.py" line="211"/>
        <source>{summary} The Series method is now {method} with the correction {correction!r} ({variant}).</source>
        <translation>{summary} La méthode de la section Série est maintenant {method} avec la correction {correction!r} ({variant}).</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>none</source>
        <translation>aucune</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Landsat ref 1</source>
        <translation>Landsat réf. 1</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>MODIS ref 1</source>
        <translation>MODIS réf. 1</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Landsat ref 2</source>
        <translation>Landsat réf. 2</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>MODIS ref 2</source>
        <translation>MODIS réf. 2</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>MODIS target</source>
        <translation>MODIS cible</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Search and download MODIS and Landsat LST (STAC)</source>
        <translation>Rechercher et télécharger la LST MODIS et Landsat (STAC)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Area of interest (extent or polygon layer)</source>
        <translation>Zone d'intérêt (emprise ou couche de polygones)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Area of interest: an extent (drawn on the canvas or typed, any CRS) or a polygon layer, whose polygons then also bound the clear percentage.</source>
        <translation>Zone d'intérêt : une emprise (dessinée sur le canevas ou saisie, dans n'importe quel SCR) ou une couche de polygones, dont les polygones délimitent alors aussi le pourcentage dégagé.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>First date (YYYY-MM-DD)</source>
        <translation>Première date (AAAA-MM-JJ)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>First acquisition date (YYYY-MM-DD).</source>
        <translation>Première date d'acquisition (AAAA-MM-JJ).</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Last date (YYYY-MM-DD)</source>
        <translation>Dernière date (AAAA-MM-JJ)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Last acquisition date (YYYY-MM-DD), included.</source>
        <translation>Dernière date d'acquisition (AAAA-MM-JJ), incluse.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>MODIS Terra (MOD11A1, 10:30 drifting earlier), MODIS Aqua (MYD11A1, 13:30 drifting later), Landsat 8, Landsat 9 (Collection 2 Level-2 ST_B10), VIIRS SNPP/NOAA-20/NOAA-21 (VNP21A1D, VJ121A1D, VJ221A1D, 13:30; from NASA&apos;s CMR-STAC, needs AUTHCFG), Sentinel-3 SLSTR (SL_2_LST, 10:00, day passes; gridded onto the MODLAND 1 km grid).</source>
        <translation>MODIS Terra (MOD11A1, 10 h 30, dérivant plus tôt), MODIS Aqua (MYD11A1, 13 h 30, dérivant plus tard), Landsat 8, Landsat 9 (Collection 2 niveau 2, ST_B10), VIIRS SNPP/NOAA-20/NOAA-21 (VNP21A1D, VJ121A1D, VJ221A1D, 13 h 30 ; depuis le CMR-STAC de la NASA, nécessite AUTHCFG), Sentinel-3 SLSTR (SL_2_LST, 10 h 00, passages de jour ; mis sur la grille MODLAND à 1 km).</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Maximum Landsat scene cloud cover (%)</source>
        <translation>Couverture nuageuse maximale de la scène Landsat (%)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Landsat scenes whose eo:cloud_cover (whole scene) is above this percentage are not read.</source>
        <translation>Les scènes Landsat dont eo:cloud_cover (scène entière) dépasse ce pourcentage ne sont pas lues.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Minimum clear pixels in the AOI (%)</source>
        <translation>Pixels dégagés minimum dans l'AOI (%)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Dates whose AOI has fewer clear pixels than this percentage (counted on the data after the QC/QA masks) are rejected and not written.</source>
        <translation>Les dates dont l'AOI a moins de pixels dégagés que ce pourcentage (comptés sur les données après les masques QC/QA) sont rejetées et non écrites.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Output unit</source>
        <translation>Unité de sortie</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Unit of the output LST: Celsius (default) or Kelvin.</source>
        <translation>Unité de la LST en sortie : Celsius (par défaut) ou Kelvin.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>A STAC API: its root or its /search endpoint. Planetary Computer by default; its asset URLs are signed with a short-lived token, other APIs are read unsigned unless TOKEN_URL is given.</source>
        <translation>Une API STAC : sa racine ou son point d'accès /search. Planetary Computer par défaut ; les URL de ses fichiers sont signées par un jeton de courte durée, les autres API sont lues sans signature sauf si TOKEN_URL est indiqué.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Token endpoint (empty = automatic)</source>
        <translation>Point d'accès des jetons (vide = automatique)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Token endpoint for signed asset URLs (GET TOKEN_URL/collection answers {&quot;token&quot;: ...}, Planetary Computer&apos;s scheme); empty = Planetary Computer&apos;s for its API, none for others.</source>
        <translation>Point d'accès des jetons pour les URL signées des fichiers (GET TOKEN_URL/collection répond {&quot;token&quot;: ...}, le schéma de Planetary Computer) ; vide = celui de Planetary Computer pour son API, aucun pour les autres.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Only list the items (write no raster)</source>
        <translation>Lister seulement les items (n'écrire aucun raster)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Search and read the windows to report each item&apos;s clear percentage in downloads.csv, but write no raster.</source>
        <translation>Recherche et lit les fenêtres pour indiquer le pourcentage dégagé de chaque item dans downloads.csv, sans écrire de raster.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>HTTP timeout (s)</source>
        <translation>Délai d'attente HTTP (s)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Seconds to wait for one HTTP answer before trying again.</source>
        <translation>Secondes d'attente d'une réponse HTTP avant de réessayer.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Retries per request</source>
        <translation>Nouvelles tentatives par requête</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Tries again after HTTP 429/5xx, a timeout or a cut-off answer, waiting 1, 2, 4 ... seconds; an item that still fails is marked failed in downloads.csv and read on the next run.</source>
        <translation>Réessaie après un HTTP 429/5xx, un dépassement de délai ou une réponse tronquée, en attendant 1, 2, 4 ... secondes ; un item qui échoue encore est marqué failed dans downloads.csv et relu à l'exécution suivante.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Download folder</source>
        <translation>Dossier de téléchargement</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Folder for the sensor sub-folders and downloads.csv; a re-run into it resumes.</source>
        <translation>Dossier des sous-dossiers par capteur et de downloads.csv ; une nouvelle exécution dans ce dossier reprend là où elle s'était arrêtée.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Earthdata Login (VIIRS)</source>
        <translation>Identifiant Earthdata Login (VIIRS)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Earthdata Login for VIIRS: a QGIS authentication configuration holding an Earthdata token (Basic: the token as password; or Esri Token). Without it the EARTHDATA_TOKEN environment variable is used (qgis_process). The token is sent as an HTTP header only, never written.</source>
        <translation>Earthdata Login pour VIIRS : une configuration d'authentification QGIS contenant un jeton Earthdata (Basic : le jeton comme mot de passe ; ou Esri Token). Sans elle, la variable d'environnement EARTHDATA_TOKEN est utilisée (qgis_process). Le jeton n'est envoyé que dans un en-tête HTTP, jamais écrit.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>STAC API for VIIRS (NASA CMR-STAC)</source>
        <translation>API STAC pour VIIRS (NASA CMR-STAC)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>The STAC API VIIRS is searched in: NASA&apos;s CMR-STAC (LP DAAC cloud) by default.</source>
        <translation>L'API STAC où VIIRS est recherché : CMR-STAC de la NASA (LP DAAC cloud) par défaut.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>MODIS LST rasters (Terra, else Aqua)</source>
        <translation>Rasters LST MODIS (Terra, sinon Aqua)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Landsat LST rasters</source>
        <translation>Rasters LST Landsat</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>downloads.csv</source>
        <translation>downloads.csv</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>MODIS dates written or kept</source>
        <translation>Dates MODIS écrites ou conservées</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Landsat dates written or kept</source>
        <translation>Dates Landsat écrites ou conservées</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>VIIRS LST rasters (every platform)</source>
        <translation>Rasters LST VIIRS (toutes plateformes)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Sentinel-3 SLSTR LST rasters</source>
        <translation>Rasters LST Sentinel-3 SLSTR</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Import MODIS LST (MOD11A1/MYD11A1)</source>
        <translation>Importer la LST MODIS (MOD11A1/MYD11A1)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Preprocessing</source>
        <translation>Prétraitement</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Converts a MODIS MOD11A1/MYD11A1 LST product to land-surface temperature with cloudy and low-quality pixels as nodata.&lt;br&gt;&lt;b&gt;INPUT&lt;/b&gt;: the .hdf granule (LST and QC sub-datasets are read through GDAL&apos;s HDF4 driver) or an LST GeoTIFF (AppEEARS/Earth Engine export).&lt;br&gt;&lt;b&gt;QC&lt;/b&gt;: QC GeoTIFF for a GeoTIFF input (optional). Clear = QC bits 0-1 &amp;le; 1, bits 2-3 = 0, bits 6-7 &amp;le; 2 (LST error &amp;le; 3 K).&lt;br&gt;&lt;b&gt;SCALE&lt;/b&gt;/&lt;b&gt;OFFSET&lt;/b&gt;: K = DN &amp;times; 0.02 by default; use 1 and 0 for inputs already in Kelvin. DN 0 is fill.&lt;br&gt;&lt;b&gt;DATE&lt;/b&gt;: read from the name (A{YYYY}{DDD}, YYYY-MM-DD or YYYYMMDD) unless given.&lt;br&gt;Output: float32 GeoTIFF in the chosen unit (Celsius by default), original grid; CLEAR_PERCENT is returned.</source>
        <translation>Convertit un produit LST MODIS MOD11A1/MYD11A1 en température de surface, les pixels nuageux ou de mauvaise qualité en nodata.&lt;br&gt;&lt;b&gt;INPUT&lt;/b&gt; : le granule .hdf (les sous-jeux de données LST et QC sont lus par le pilote HDF4 de GDAL) ou un GeoTIFF de LST (export AppEEARS/Earth Engine).&lt;br&gt;&lt;b&gt;QC&lt;/b&gt; : GeoTIFF QC pour une entrée GeoTIFF (facultatif). Dégagé = bits QC 0-1 &amp;le; 1, bits 2-3 = 0, bits 6-7 &amp;le; 2 (erreur de LST &amp;le; 3 K).&lt;br&gt;&lt;b&gt;SCALE&lt;/b&gt;/&lt;b&gt;OFFSET&lt;/b&gt; : K = CN &amp;times; 0,02 par défaut ; 1 et 0 pour des entrées déjà en kelvins. Le CN 0 est la valeur de remplissage.&lt;br&gt;&lt;b&gt;DATE&lt;/b&gt; : lue dans le nom (A{YYYY}{DDD}, AAAA-MM-JJ ou AAAAMMJJ) sauf si elle est indiquée.&lt;br&gt;Sortie : GeoTIFF float32 dans l'unité choisie (Celsius par défaut), grille d'origine ; CLEAR_PERCENT est renvoyé.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>MODIS LST product (.hdf or GeoTIFF)</source>
        <translation>Produit LST MODIS (.hdf ou GeoTIFF)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>MOD11A1/MYD11A1 granule (.hdf, read through GDAL&apos;s HDF4 driver) or an LST GeoTIFF export (AppEEARS, Earth Engine).</source>
        <translation>Granule MOD11A1/MYD11A1 (.hdf, lu par le pilote HDF4 de GDAL) ou export GeoTIFF de la LST (AppEEARS, Earth Engine).</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>QC raster (GeoTIFF input only)</source>
        <translation>Raster QC (entrée GeoTIFF seulement)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>QC GeoTIFF matching a GeoTIFF INPUT; ignored for an .hdf granule, whose QC sub-dataset is used.</source>
        <translation>GeoTIFF QC correspondant à un INPUT GeoTIFF ; ignoré pour un granule .hdf, dont le sous-jeu de données QC est utilisé.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Overpass</source>
        <translation>Passage</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Overpass: Day (LST_Day_1km, QC_Day) or Night (LST_Night_1km, QC_Night).</source>
        <translation>Passage : jour (LST_Day_1km, QC_Day) ou nuit (LST_Night_1km, QC_Night).</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Scale factor (DN to K)</source>
        <translation>Facteur d'échelle (CN vers K)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Multiplier from the stored digital number (DN) to Kelvin; 1 for inputs already in Kelvin.</source>
        <translation>Multiplicateur du compte numérique (CN) stocké vers les kelvins ; 1 pour des entrées déjà en kelvins.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Offset (K)</source>
        <translation>Décalage (K)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Added after SCALE to give Kelvin; 0 for inputs already in Kelvin.</source>
        <translation>Ajouté après SCALE pour obtenir des kelvins ; 0 pour des entrées déjà en kelvins.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Mask pixels by QC</source>
        <translation>Masquer les pixels selon le QC</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Mask pixels whose QC says cloudy or poor: bits 0-1 above 1, bits 2-3 not 0, or LST error above 3 K (bits 6-7).</source>
        <translation>Masque les pixels que le QC déclare nuageux ou de mauvaise qualité : bits 0-1 supérieurs à 1, bits 2-3 non nuls, ou erreur de LST supérieure à 3 K (bits 6-7).</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Acquisition date (YYYY-MM-DD)</source>
        <translation>Date d'acquisition (AAAA-MM-JJ)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Acquisition date as YYYY-MM-DD, when it is not in the file name.</source>
        <translation>Date d'acquisition au format AAAA-MM-JJ, quand elle n'est pas dans le nom du fichier.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>MODIS LST</source>
        <translation>LST MODIS</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Float32 LST in UNIT on the product&apos;s grid; clouds and fill are nodata.</source>
        <translation>LST en Float32 dans l'unité UNIT sur la grille du produit ; nuages et valeurs de remplissage en nodata.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Clear pixels (%)</source>
        <translation>Pixels dégagés (%)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Import VIIRS LST (VNP21A1D/VJ121A1D/VJ221A1D)</source>
        <translation>Importer la LST VIIRS (VNP21A1D/VJ121A1D/VJ221A1D)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Converts a VIIRS LST Collection 2 daily day product (Suomi NPP VNP21A1D, NOAA-20 VJ121A1D, NOAA-21 VJ221A1D: the MODIS LST continuity, overpass about 13:30) to land-surface temperature on its 1 km MODLAND sinusoidal tile grid, with cloudy and low-quality pixels as nodata.&lt;br&gt;&lt;b&gt;INPUT&lt;/b&gt;: the .h5 granule (read through GDAL&apos;s HDF5 driver; its grid is taken from StructMetadata.0, else from the tile hHHvVV of the name, since GDAL gives it none) or its LST_1KM GeoTIFF asset (the QC, View_Angle and View_Time assets beside it are used).&lt;br&gt;&lt;b&gt;QC_RULE&lt;/b&gt;: Default = mandatory QC bits 0-1 &amp;le; 1, cloud bits 4-5 = 0, data quality bits 2-3 &amp;ne; 1; Strict adds good quality and LST error &amp;lt; 1.5 K.&lt;br&gt;K = DN &amp;times; 0.02, DN 0 is fill. &lt;b&gt;DATE&lt;/b&gt;: from the name (A{YYYY}{DDD}) or the granule&apos;s RangeBeginningDate.&lt;br&gt;&lt;b&gt;AOI&lt;/b&gt; (optional): the output is cut to it, and CLEAR_PERCENT and the view tags are counted inside it.&lt;br&gt;Output: float32 GeoTIFF in UNIT with the tags VIEW_TIME (local solar hours) and VIEW_ANGLE (degrees), mean over the clear pixels of the AOI, SENSOR, PLATFORM, OVERPASS and QC_RULE.</source>
        <translation>Convertit un produit VIIRS LST Collection 2 quotidien de jour (Suomi NPP VNP21A1D, NOAA-20 VJ121A1D, NOAA-21 VJ221A1D : la continuité de la LST MODIS, passage vers 13 h 30) en température de surface sur la grille sinusoïdale MODLAND à 1 km de sa tuile, les pixels nuageux ou de mauvaise qualité en nodata.&lt;br&gt;&lt;b&gt;INPUT&lt;/b&gt; : le granule .h5 (lu par le pilote HDF5 de GDAL ; sa grille est tirée de StructMetadata.0, sinon de la tuile hHHvVV du nom, car GDAL n'en donne pas) ou son fichier GeoTIFF LST_1KM (les fichiers QC, View_Angle et View_Time à côté sont utilisés).&lt;br&gt;&lt;b&gt;QC_RULE&lt;/b&gt; : Par défaut = bits QC obligatoires 0-1 &amp;le; 1, bits nuage 4-5 = 0, bits de qualité des données 2-3 &amp;ne; 1 ; Strict ajoute une bonne qualité et une erreur de LST &amp;lt; 1,5 K.&lt;br&gt;K = CN &amp;times; 0,02, le CN 0 est la valeur de remplissage. &lt;b&gt;DATE&lt;/b&gt; : tirée du nom (A{YYYY}{DDD}) ou du RangeBeginningDate du granule.&lt;br&gt;&lt;b&gt;AOI&lt;/b&gt; (facultatif) : la sortie y est découpée, et CLEAR_PERCENT et les étiquettes de visée sont calculés à l'intérieur.&lt;br&gt;Sortie : GeoTIFF float32 dans l'unité UNIT avec les étiquettes VIEW_TIME (heures solaires locales) et VIEW_ANGLE (degrés), moyennes sur les pixels dégagés de l'AOI, SENSOR, PLATFORM, OVERPASS et QC_RULE.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>VIIRS LST granule (.h5) or LST_1KM GeoTIFF</source>
        <translation>Granule LST VIIRS (.h5) ou GeoTIFF LST_1KM</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>VIIRS LST granule (.h5, HDF-EOS5, Collection 2) or its LST_1KM GeoTIFF asset (then the QC, View_Angle and View_Time assets of the same name beside it are read).</source>
        <translation>Granule LST VIIRS (.h5, HDF-EOS5, Collection 2) ou son fichier GeoTIFF LST_1KM (les fichiers QC, View_Angle et View_Time de même nom à côté sont alors lus).</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>QC GeoTIFF for a GeoTIFF INPUT whose QC asset is not beside it; ignored for an .h5 granule.</source>
        <translation>GeoTIFF QC pour un INPUT GeoTIFF dont le fichier QC n'est pas à côté ; ignoré pour un granule .h5.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>QC rule</source>
        <translation>Règle QC</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Which QC words keep a pixel (the first is the documented default; see the help).</source>
        <translation>Quels mots QC conservent un pixel (le premier est le défaut documenté ; voir l'aide).</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Optional area: the output is cut to it and the view time/angle tags are its mean.</source>
        <translation>Zone facultative : la sortie y est découpée et les étiquettes d'heure et d'angle de visée en sont la moyenne.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>VIIRS LST</source>
        <translation>LST VIIRS</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Float32 LST in UNIT on the tile&apos;s sinusoidal grid (MODIS sphere); masked pixels are nodata.</source>
        <translation>LST en Float32 dans l'unité UNIT sur la grille sinusoïdale de la tuile (sphère MODIS) ; pixels masqués en nodata.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Mean view time (local solar hours)</source>
        <translation>Heure de visée moyenne (heures solaires locales)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Mean view zenith angle (degrees)</source>
        <translation>Angle zénithal de visée moyen (degrés)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Import Sentinel-3 SLSTR LST (SL_2_LST)</source>
        <translation>Importer la LST Sentinel-3 SLSTR (SL_2_LST)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Grids a Sentinel-3A/3B SLSTR Level-2 LST product (SL_2_LST, overpass about 10:00, the daily 1 km source closest to Landsat&apos;s 10:10-10:30) to land-surface temperature.&lt;br&gt;&lt;b&gt;INPUT&lt;/b&gt;: the product&apos;s folder (.SEN3) or one of its NetCDF files, with LST_in.nc (LST), geodetic_in.nc (latitude_in, longitude_in) and flags_in.nc (confidence_in) together (GDAL&apos;s netCDF driver reads them).&lt;br&gt;Masked: the confidence_in flags unfilled, summary_cloud and summary_pointing (found by their flag_meanings), fill, and values outside 150-400 K.&lt;br&gt;&lt;b&gt;Resampling&lt;/b&gt;: each swath pixel goes into the cell that contains its geodetic centre; a cell is the mean of its clear swath pixels; a cell containing no swath centre takes the nearest swath pixel within 0.75 of that pixel&apos;s spacing (never across a cloud edge).&lt;br&gt;&lt;b&gt;REFERENCE&lt;/b&gt; (optional): the grid to make (e.g. a MODIS or VIIRS raster of the series); without it, the MODLAND sinusoidal 1 km grid (the MODIS/VIIRS pixels) over the swath, or over &lt;b&gt;AOI&lt;/b&gt;.&lt;br&gt;Output: float32 GeoTIFF in UNIT with the tags PLATFORM, SENSING_START_UTC and VIEW_TIME (local solar hours at the grid&apos;s centre).</source>
        <translation>Met sur une grille un produit LST Sentinel-3A/3B SLSTR de niveau 2 (SL_2_LST, passage vers 10 h 00, la source quotidienne à 1 km la plus proche des 10 h 10-10 h 30 de Landsat) en température de surface.&lt;br&gt;&lt;b&gt;INPUT&lt;/b&gt; : le dossier du produit (.SEN3) ou l'un de ses fichiers NetCDF, avec LST_in.nc (LST), geodetic_in.nc (latitude_in, longitude_in) et flags_in.nc (confidence_in) ensemble (lus par le pilote netCDF de GDAL).&lt;br&gt;Masqués : les drapeaux confidence_in unfilled, summary_cloud et summary_pointing (trouvés par leurs flag_meanings), le remplissage, et les valeurs hors de 150-400 K.&lt;br&gt;&lt;b&gt;Rééchantillonnage&lt;/b&gt; : chaque pixel de la fauchée va dans la cellule qui contient son centre géodésique ; une cellule est la moyenne de ses pixels de fauchée dégagés ; une cellule sans centre de fauchée prend le pixel de fauchée le plus proche à moins de 0,75 fois l'espacement de ce pixel (jamais au travers d'un bord de nuage).&lt;br&gt;&lt;b&gt;REFERENCE&lt;/b&gt; (facultatif) : la grille à produire (p. ex. un raster MODIS ou VIIRS de la série) ; sans elle, la grille sinusoïdale MODLAND à 1 km (les pixels MODIS/VIIRS) sur la fauchée, ou sur &lt;b&gt;AOI&lt;/b&gt;.&lt;br&gt;Sortie : GeoTIFF float32 dans l'unité UNIT avec les étiquettes PLATFORM, SENSING_START_UTC et VIEW_TIME (heures solaires locales au centre de la grille).</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>SL_2_LST product (.SEN3 folder or one of its .nc)</source>
        <translation>Produit SL_2_LST (dossier .SEN3 ou l'un de ses .nc)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>The SL_2_LST product: its .SEN3 folder or one of its NetCDF files (the others beside it).</source>
        <translation>Le produit SL_2_LST : son dossier .SEN3 ou l'un de ses fichiers NetCDF (les autres à côté).</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Optional raster whose grid the swath is put on (any CRS and cell size).</source>
        <translation>Raster facultatif sur la grille duquel la fauchée est projetée (tout SCR et toute taille de cellule).</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Optional area: the MODLAND 1 km grid is made over it (ignored with REFERENCE).</source>
        <translation>Zone facultative : la grille MODLAND à 1 km est construite sur elle (ignorée avec REFERENCE).</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>SLSTR LST</source>
        <translation>LST SLSTR</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Float32 LST in UNIT; cloudy, flagged and unobserved cells are nodata.</source>
        <translation>LST en Float32 dans l'unité UNIT ; cellules nuageuses, signalées ou non observées en nodata.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Clear cells (%)</source>
        <translation>Cellules dégagées (%)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>View time (local solar hours)</source>
        <translation>Heure de visée (heures solaires locales)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Import Landsat LST (C2 L2 ST_B10)</source>
        <translation>Importer la LST Landsat (C2 L2 ST_B10)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Converts a Landsat 8/9 Collection 2 Level-2 ST_B10 band to land-surface temperature with clouds as nodata.&lt;br&gt;&lt;b&gt;INPUT&lt;/b&gt;: ST_B10 GeoTIFF. &lt;b&gt;QA&lt;/b&gt;: QA_PIXEL GeoTIFF (optional).&lt;br&gt;&lt;b&gt;QA_BITS&lt;/b&gt;: QA_PIXEL bits that mask a pixel, default 1,3,4,5 (dilated cloud, cloud, cloud shadow, snow).&lt;br&gt;&lt;b&gt;SCALE&lt;/b&gt;/&lt;b&gt;OFFSET&lt;/b&gt;: K = DN &amp;times; 0.00341802 + 149.0 by default (use 1 and 0 for inputs already in Kelvin). DN 0 is fill.&lt;br&gt;&lt;b&gt;DATE&lt;/b&gt;: from the product id (LC08_L2SP_PPPRRR_YYYYMMDD_...) unless given.&lt;br&gt;Output: float32 GeoTIFF, original UTM grid; CLEAR_PERCENT is returned.</source>
        <translation>Convertit une bande ST_B10 Landsat 8/9 Collection 2 niveau 2 en température de surface, les nuages en nodata.&lt;br&gt;&lt;b&gt;INPUT&lt;/b&gt; : GeoTIFF ST_B10. &lt;b&gt;QA&lt;/b&gt; : GeoTIFF QA_PIXEL (facultatif).&lt;br&gt;&lt;b&gt;QA_BITS&lt;/b&gt; : bits QA_PIXEL qui masquent un pixel, par défaut 1,3,4,5 (nuage dilaté, nuage, ombre de nuage, neige).&lt;br&gt;&lt;b&gt;SCALE&lt;/b&gt;/&lt;b&gt;OFFSET&lt;/b&gt; : K = CN &amp;times; 0,00341802 + 149,0 par défaut (1 et 0 pour des entrées déjà en kelvins). Le CN 0 est la valeur de remplissage.&lt;br&gt;&lt;b&gt;DATE&lt;/b&gt; : tirée de l'identifiant du produit (LC08_L2SP_PPPRRR_AAAAMMJJ_...) sauf si elle est indiquée.&lt;br&gt;Sortie : GeoTIFF float32, grille UTM d'origine ; CLEAR_PERCENT est renvoyé.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Landsat ST_B10 band</source>
        <translation>Bande ST_B10 de Landsat</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Landsat 8/9 Collection 2 Level-2 ST_B10 GeoTIFF (surface temperature band).</source>
        <translation>GeoTIFF ST_B10 Landsat 8/9 Collection 2 niveau 2 (bande de température de surface).</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>QA_PIXEL band</source>
        <translation>Bande QA_PIXEL</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>QA_PIXEL GeoTIFF of the same scene; without it no cloud is masked.</source>
        <translation>GeoTIFF QA_PIXEL de la même scène ; sans lui, aucun nuage n'est masqué.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>QA_PIXEL bits to mask</source>
        <translation>Bits QA_PIXEL à masquer</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Comma-separated QA_PIXEL bits that mask a pixel; 1,3,4,5 = dilated cloud, cloud, cloud shadow, snow.</source>
        <translation>Bits QA_PIXEL, séparés par des virgules, qui masquent un pixel ; 1,3,4,5 = nuage dilaté, nuage, ombre de nuage, neige.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Landsat LST</source>
        <translation>LST Landsat</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Float32 LST in UNIT on the original UTM grid; clouds and fill (DN 0, QA_PIXEL bit 0) are nodata.</source>
        <translation>LST en Float32 dans l'unité UNIT sur la grille UTM d'origine ; nuages et remplissage (CN 0, bit 0 de QA_PIXEL) en nodata.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Fill cloud gaps in LST</source>
        <translation>Combler les lacunes nuageuses de la LST</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Fills nodata (cloud) pixels of an LST raster.&lt;br&gt;&lt;b&gt;temporal&lt;/b&gt;: linear interpolation in time between the nearest clear observations before and after the target date within &lt;b&gt;WINDOW_DAYS&lt;/b&gt;, taken from &lt;b&gt;OTHER_DATES&lt;/b&gt; (rasters of the same grid, dated by name).&lt;br&gt;&lt;b&gt;spatial&lt;/b&gt;: progressive focal mean (3&amp;times;3, 5&amp;times;5, ... until no gap is left); clear pixels are never changed.&lt;br&gt;&lt;b&gt;temporal+spatial&lt;/b&gt; (default): temporal first, spatial for the rest.&lt;br&gt;Returns how many pixels each step filled, and marks them in a raster beside the output (&lt;i&gt;output&lt;/i&gt;.filled.tif): training never takes a filled pixel for an observed one.</source>
        <translation>Comble les pixels nodata (nuages) d'un raster de LST.&lt;br&gt;&lt;b&gt;temporel&lt;/b&gt; : interpolation linéaire dans le temps entre les observations dégagées les plus proches avant et après la date cible, dans &lt;b&gt;WINDOW_DAYS&lt;/b&gt;, prises dans &lt;b&gt;OTHER_DATES&lt;/b&gt; (rasters de la même grille, datés par leur nom).&lt;br&gt;&lt;b&gt;spatial&lt;/b&gt; : moyenne focale progressive (3&amp;times;3, 5&amp;times;5, ... jusqu'à ce qu'il ne reste aucune lacune) ; les pixels dégagés ne sont jamais modifiés.&lt;br&gt;&lt;b&gt;temporel+spatial&lt;/b&gt; (par défaut) : le temporel d'abord, le spatial pour le reste.&lt;br&gt;Renvoie le nombre de pixels comblés par chaque étape et les marque dans un raster à côté de la sortie (&lt;i&gt;sortie&lt;/i&gt;.filled.tif) : l'entraînement ne prend jamais un pixel comblé pour un pixel observé.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>LST raster with gaps</source>
        <translation>Raster LST lacunaire</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>LST raster whose nodata pixels (clouds) are to be filled.</source>
        <translation>Raster LST dont les pixels nodata (nuages) sont à combler.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>temporal (interpolate in time), spatial (progressive focal mean) or temporal+spatial (temporal first).</source>
        <translation>temporel (interpolation dans le temps), spatial (moyenne focale progressive) ou temporel+spatial (temporel d'abord).</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>LST rasters of other dates (same grid)</source>
        <translation>Rasters LST d'autres dates (même grille)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>LST rasters of other dates on the same grid, dated by their names, used by the temporal step.</source>
        <translation>Rasters LST d'autres dates sur la même grille, datés par leur nom, utilisés par l'étape temporelle.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Temporal window (days either side)</source>
        <translation>Fenêtre temporelle (jours de part et d'autre)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>How far before and after the date of INPUT the temporal step looks for clear observations (days).</source>
        <translation>Jusqu'où, avant et après la date d'INPUT, l'étape temporelle cherche des observations dégagées (jours).</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Date of INPUT (if not in its name)</source>
        <translation>Date d'INPUT (si absente de son nom)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Gap-filled LST</source>
        <translation>LST comblée</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Gap-filled LST; clear pixels of INPUT are never changed. Beside it, X.filled.tif marks the filled pixels (1) and the observed ones (0); align_pairs carries it into a dataset and the deep models&apos; training leaves the filled pixels out of the loss.</source>
        <translation>LST comblée ; les pixels dégagés d'INPUT ne sont jamais modifiés. À côté, X.filled.tif marque les pixels comblés (1) et les pixels observés (0) ; align_pairs le reporte dans le jeu de données et l'entraînement des modèles profonds exclut les pixels comblés de la perte.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Pixels filled in time</source>
        <translation>Pixels comblés dans le temps</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Pixels filled in space</source>
        <translation>Pixels comblés dans l'espace</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Resample onto the Landsat grid</source>
        <translation>Rééchantillonner sur la grille Landsat</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Reprojects and resamples a coarse raster (e.g. MODIS sinusoidal) onto the exact grid of &lt;b&gt;REFERENCE&lt;/b&gt; (CRS, transform, width, height), e.g. the Landsat UTM 30 m grid.&lt;br&gt;&lt;b&gt;METHOD&lt;/b&gt;: bicubic (default, as in the reference experiment), bilinear, nearest, average. Nodata stays nodata.</source>
        <translation>Reprojette et rééchantillonne un raster grossier (p. ex. MODIS sinusoïdal) sur la grille exacte de &lt;b&gt;REFERENCE&lt;/b&gt; (SCR, transformation, largeur, hauteur), p. ex. la grille UTM Landsat à 30 m.&lt;br&gt;&lt;b&gt;METHOD&lt;/b&gt; : bicubique (par défaut, comme dans l'expérience de référence), bilinéaire, plus proche voisin, moyenne. Le nodata reste nodata.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Coarse raster</source>
        <translation>Raster grossier</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Coarse raster to resample, e.g. MODIS LST in its sinusoidal projection.</source>
        <translation>Raster grossier à rééchantillonner, p. ex. la LST MODIS dans sa projection sinusoïdale.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Reference raster (target grid)</source>
        <translation>Raster de référence (grille cible)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Raster whose grid (CRS, transform, width, height) the output takes exactly, e.g. a Landsat LST.</source>
        <translation>Raster dont la sortie reprend exactement la grille (SCR, transformation, largeur, hauteur), p. ex. une LST Landsat.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Resampling</source>
        <translation>Rééchantillonnage</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Resampling kernel: bicubic (as in the reference experiment), bilinear, nearest or average.</source>
        <translation>Noyau de rééchantillonnage : bicubique (comme dans l'expérience de référence), bilinéaire, plus proche voisin ou moyenne.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Resampled raster</source>
        <translation>Raster rééchantillonné</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>INPUT on the grid of REFERENCE; nodata stays nodata.</source>
        <translation>INPUT sur la grille de REFERENCE ; le nodata reste nodata.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Align same-day MODIS/Landsat pairs into a dataset</source>
        <translation>Aligner les paires MODIS/Landsat du même jour en un jeu de données</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Matches MODIS and Landsat LST rasters by the date in their names, resamples every MODIS raster onto the grid of the earliest Landsat raster (cropped to &lt;b&gt;AOI&lt;/b&gt; if given), drops pairs whose clear percentage is below &lt;b&gt;MIN_CLEAR&lt;/b&gt;, and writes a dataset folder: Dates are read from the names in every common form (YYYYMMDD, YYYY-MM-DD, YYYY_MM_DD as Earth Engine writes them, year + day of year 2020068, MODIS A2021227, Landsat product ids) or from an ACQUISITION_DATE tag. Multi-band exports: &lt;b&gt;LANDSAT_BAND&lt;/b&gt; and &lt;b&gt;MODIS_BAND&lt;/b&gt; choose the LST band. A MODIS sinusoidal CRS declared on the WGS84 ellipsoid (Earth Engine) is read on the MODIS sphere, with a log line. The log states each input&apos;s detected unit. L_YYYYMMDD.tif, M_YYYYMMDD.tif and index.csv (date, files, clear %, status = pair / training_pair / modis_only / rejected; &lt;b&gt;MIN_CLEAR_TRAINING&lt;/b&gt;: partly cloudy pairs kept for training only). Training and the reference experiment read this layout.&lt;br&gt;&lt;b&gt;COREGISTER&lt;/b&gt;: MODIS&apos;s shift relative to Landsat is estimated jointly over the pairs and, when its correlation gain is significant, applied to every MODIS raster, so that every method and baseline downstream uses the same co-registered MODIS (lstfusion:coregister; docs/coregistration.md); the log and coregistration.csv give the shift per pair and jointly.</source>
        <translation>Associe les rasters LST MODIS et Landsat par la date de leur nom, rééchantillonne chaque raster MODIS sur la grille du raster Landsat le plus ancien (découpée à &lt;b&gt;AOI&lt;/b&gt; si indiqué), écarte les paires dont le pourcentage dégagé est inférieur à &lt;b&gt;MIN_CLEAR&lt;/b&gt;, et écrit un dossier de jeu de données. Les dates sont lues dans les noms sous toutes les formes courantes (AAAAMMJJ, AAAA-MM-JJ, AAAA_MM_JJ comme les écrit Earth Engine, année + jour de l'année 2020068, MODIS A2021227, identifiants de produits Landsat) ou dans une étiquette ACQUISITION_DATE. Exports multibandes : &lt;b&gt;LANDSAT_BAND&lt;/b&gt; et &lt;b&gt;MODIS_BAND&lt;/b&gt; choisissent la bande de LST. Un SCR sinusoïdal MODIS déclaré sur l'ellipsoïde WGS84 (Earth Engine) est lu sur la sphère MODIS, avec une ligne dans le journal. Le journal indique l'unité détectée de chaque entrée. L_AAAAMMJJ.tif, M_AAAAMMJJ.tif et index.csv (date, fichiers, % dégagé, état = pair / training_pair / modis_only / rejected ; &lt;b&gt;MIN_CLEAR_TRAINING&lt;/b&gt; : paires partiellement nuageuses gardées pour l'entraînement seul). L'entraînement et l'expérience de référence lisent cette organisation.&lt;br&gt;&lt;b&gt;COREGISTER&lt;/b&gt; : le décalage de MODIS par rapport à Landsat est estimé conjointement sur les paires et, quand son gain de corrélation est significatif, appliqué à chaque raster MODIS, de sorte que toutes les méthodes et références de comparaison en aval utilisent le même MODIS co-enregistré (lstfusion:coregister ; docs/coregistration.md) ; le journal et coregistration.csv donnent le décalage par paire et conjoint.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>MODIS LST rasters</source>
        <translation>Rasters LST MODIS</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>MODIS LST rasters dated by their names (YYYYMMDD, YYYY-MM-DD, YYYY_MM_DD, year + day of year 2020068, MODIS A2021227) or an ACQUISITION_DATE tag; a sinusoidal CRS declared on the WGS84 ellipsoid (Earth Engine) is read on the MODIS sphere.</source>
        <translation>Rasters LST MODIS datés par leur nom (AAAAMMJJ, AAAA-MM-JJ, AAAA_MM_JJ, année + jour de l'année 2020068, MODIS A2021227) ou par une étiquette ACQUISITION_DATE ; un SCR sinusoïdal déclaré sur l'ellipsoïde WGS84 (Earth Engine) est lu sur la sphère MODIS.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Landsat LST rasters dated by their names; the earliest one&apos;s grid is the dataset grid.</source>
        <translation>Rasters LST Landsat datés par leur nom ; la grille du plus ancien est celle du jeu de données.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Minimum clear pixels (%)</source>
        <translation>Pixels dégagés minimum (%)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Pairs where either raster has fewer clear pixels than this percentage are not used as references or test dates (status pair from it on).</source>
        <translation>Les paires dont l'un des rasters a moins de pixels dégagés que ce pourcentage ne servent ni de références ni de dates de test (état pair à partir de ce seuil).</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Minimum clear pixels of training-only pairs (%)</source>
        <translation>Pixels dégagés minimum des paires d'entraînement seul (%)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Pairs below MIN_CLEAR but at least this clear (%) are kept as training pairs (status training_pair): the deep models train on them with a masked loss, no method uses them as references or test truth. 100 (default), or MIN_CLEAR and above: none.</source>
        <translation>Les paires sous MIN_CLEAR mais au moins aussi dégagées que ce seuil (%) sont gardées comme paires d'entraînement (état training_pair) : les modèles profonds s'y entraînent avec une perte masquée, aucune méthode ne les utilise comme références ou vérité de test. 100 (par défaut), ou MIN_CLEAR et au-delà : aucune.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Area of interest</source>
        <translation>Zone d'intérêt</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Optional polygon layer; the dataset grid is cropped to its extent (any CRS).</source>
        <translation>Couche de polygones facultative ; la grille du jeu de données est découpée à son emprise (tout SCR).</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>MODIS resampling</source>
        <translation>Rééchantillonnage MODIS</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Resampling kernel for MODIS onto the Landsat grid: bicubic, bilinear, nearest or average.</source>
        <translation>Noyau de rééchantillonnage de MODIS sur la grille Landsat : bicubique, bilinéaire, plus proche voisin ou moyenne.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Band of the Landsat rasters holding LST</source>
        <translation>Bande des rasters Landsat contenant la LST</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Band of the Landsat rasters that holds LST (Earth Engine exports often add NDVI etc.).</source>
        <translation>Bande des rasters Landsat qui contient la LST (les exports Earth Engine ajoutent souvent le NDVI, etc.).</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Band of the MODIS rasters holding LST</source>
        <translation>Bande des rasters MODIS contenant la LST</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Band of the MODIS rasters that holds LST.</source>
        <translation>Bande des rasters MODIS qui contient la LST.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Co-register MODIS to Landsat</source>
        <translation>Co-enregistrer MODIS sur Landsat</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Estimate MODIS&apos;s shift relative to Landsat (PSF-aggregated Landsat, correlation over shifts, jointly over the pairs) and apply it to every MODIS raster when the gain is significant.</source>
        <translation>Estime le décalage de MODIS par rapport à Landsat (Landsat agrégé par la FEP, corrélation sur les décalages, conjointement sur les paires) et l'applique à chaque raster MODIS quand le gain est significatif.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Folder written with L_YYYYMMDD.tif, M_YYYYMMDD.tif and index.csv (date, files, clear %, status).</source>
        <translation>Dossier écrit avec L_AAAAMMJJ.tif, M_AAAAMMJJ.tif et index.csv (date, fichiers, % dégagé, état).</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Order of the daily sources (empty = default)</source>
        <translation>Ordre des sources quotidiennes (vide = par défaut)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>When the MODIS rasters mix daily sources (MODIS, VIIRS, Sentinel-3 SLSTR: their SENSOR tag or name), the order that picks one per date, comma-separated sensor names; empty = nearest overpass to Landsat first: Sentinel-3 SLSTR, MODIS Terra, VIIRS SNPP, VIIRS NOAA-20, VIIRS NOAA-21, MODIS Aqua. The level step between sources on days both observed is logged (align_pairs: source_steps.csv).</source>
        <translation>Quand les rasters MODIS mêlent plusieurs sources quotidiennes (MODIS, VIIRS, Sentinel-3 SLSTR : leur étiquette SENSOR ou leur nom), l'ordre qui en choisit une par date, noms de capteurs séparés par des virgules ; vide = le passage le plus proche de celui de Landsat d'abord : Sentinel-3 SLSTR, MODIS Terra, VIIRS SNPP, VIIRS NOAA-20, VIIRS NOAA-21, MODIS Aqua. Le saut de niveau entre sources les jours observés par les deux est consigné (align_pairs : source_steps.csv).</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Number of same-day pairs</source>
        <translation>Nombre de paires du même jour</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Index CSV</source>
        <translation>CSV d'index</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Co-register MODIS to Landsat (aligned dataset)</source>
        <translation>Co-enregistrer MODIS sur Landsat (jeu de données aligné)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Estimates MODIS&apos;s shift relative to Landsat and writes the aligned dataset (as align_pairs) with every MODIS raster co-registered. Landsat is aggregated to the MODIS footprint with a Gaussian PSF of one MODIS pixel FWHM; Pearson r with MODIS is computed over shifts up to &lt;b&gt;MAX_SHIFT&lt;/b&gt; MODIS pixels, jointly over the pairs (a pair whose maximum lies on the radius is left out), refined to sub-pixel precision. The shift is applied only when the joint r gains at least 0.01 (or its unexplained variance falls by 10 %) and the gain holds in 95 % of block-bootstrap resamples; otherwise nothing is applied and the log says why. Log and coregistration.csv: the shift per pair and jointly, with r before and after. docs/coregistration.md.</source>
        <translation>Estime le décalage de MODIS par rapport à Landsat et écrit le jeu de données aligné (comme align_pairs) avec chaque raster MODIS co-enregistré. Landsat est agrégé à l'empreinte MODIS par une FEP gaussienne de largeur à mi-hauteur égale à un pixel MODIS ; le r de Pearson avec MODIS est calculé pour des décalages jusqu'à &lt;b&gt;MAX_SHIFT&lt;/b&gt; pixels MODIS, conjointement sur les paires (une paire dont le maximum tombe sur le rayon est écartée), puis affiné à une précision sous-pixellaire. Le décalage n'est appliqué que si le r conjoint gagne au moins 0,01 (ou si sa variance inexpliquée baisse de 10 %) et que le gain tient dans 95 % des rééchantillonnages bootstrap par blocs ; sinon rien n'est appliqué et le journal dit pourquoi. Journal et coregistration.csv : le décalage par paire et conjoint, avec r avant et après. docs/coregistration.md.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Search radius (MODIS pixels)</source>
        <translation>Rayon de recherche (pixels MODIS)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Search radius, in MODIS pixels (1.5: up to 1.5 km for 1 km MODIS); at most 5 (farther is a wrong CRS, not a misregistration) and at most a third of the Landsat image&apos;s shorter side.</source>
        <translation>Rayon de recherche, en pixels MODIS (1,5 : jusqu'à 1,5 km pour MODIS à 1 km) ; au plus 5 (au-delà, c'est un mauvais SCR, pas un défaut de recalage) et au plus un tiers du plus petit côté de l'image Landsat.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Dataset folder (align_pairs layout) with co-registered M_YYYYMMDD.tif, L_YYYYMMDD.tif, index.csv and coregistration.csv.</source>
        <translation>Dossier de jeu de données (organisation d'align_pairs) avec M_AAAAMMJJ.tif co-enregistrés, L_AAAAMMJJ.tif, index.csv et coregistration.csv.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>MODIS shift east (m)</source>
        <translation>Décalage MODIS vers l'est (m)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>MODIS shift north (m)</source>
        <translation>Décalage MODIS vers le nord (m)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Joint r before</source>
        <translation>r conjoint avant</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Joint r after</source>
        <translation>r conjoint après</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Shift applied</source>
        <translation>Décalage appliqué</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Co-registration CSV</source>
        <translation>CSV de co-enregistrement</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>ESTARFM</source>
        <translation>ESTARFM</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Fusion (classical)</source>
        <translation>Fusion (classique)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Enhanced STARFM (Zhu et al. 2010): two reference pairs (before and after the target) plus the coarse image of the target date give the fine image of the target date. All inputs must share one grid (use lstfusion:resample).&lt;br&gt;Spectral similarity for one band: 1 &amp;minus; 0.5&amp;middot;&amp;Sigma;|(F&amp;minus;C)/(F+C)| over the two pairs, in Kelvin. Nodata pixels never count as similar; the output is nodata where any input is nodata. The output carries its method, date, unit and parameters as GDAL metadata and loads with a temperature style named &apos;ESTARFM date&apos;.&lt;br&gt;&lt;b&gt;MODE&lt;/b&gt;: published (Zhu&apos;s ESTARFM, the default) or lst-robust, for LST references in other seasons: conversion coefficients shrunk towards 1 by their regression&apos;s standard error and bounded to 0.5-1.5, and the temporally nearer pair alone where the two one-pair predictions differ by more than 3 degrees (docs/coregistration.md).</source>
        <translation>STARFM amélioré (Zhu et al. 2010) : deux paires de référence (avant et après la cible) et l'image grossière de la date cible donnent l'image fine de la date cible. Toutes les entrées doivent partager une même grille (utilisez lstfusion:resample).&lt;br&gt;Similarité spectrale pour une bande : 1 &amp;minus; 0,5&amp;middot;&amp;Sigma;|(F&amp;minus;C)/(F+C)| sur les deux paires, en kelvins. Les pixels nodata ne sont jamais comptés comme similaires ; la sortie est nodata là où une entrée l'est. La sortie porte sa méthode, sa date, son unité et ses paramètres en métadonnées GDAL et se charge avec un style de température nommé « ESTARFM date ».&lt;br&gt;&lt;b&gt;MODE&lt;/b&gt; : published (l'ESTARFM de Zhu, par défaut) ou lst-robust, pour des références de LST d'autres saisons : coefficients de conversion rétrécis vers 1 selon l'erreur type de leur régression et bornés à 0,5-1,5, et la paire la plus proche dans le temps seule là où les deux prédictions à une paire diffèrent de plus de 3 degrés (docs/coregistration.md).</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Coarse (MODIS) LST at the target date</source>
        <translation>LST grossière (MODIS) à la date cible</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Coarse (MODIS) LST of the date to predict, resampled onto the fine grid (lstfusion:resample).</source>
        <translation>LST grossière (MODIS) de la date à prédire, rééchantillonnée sur la grille fine (lstfusion:resample).</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Fine (Landsat) LST, reference pair 1</source>
        <translation>LST fine (Landsat), paire de référence 1</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Fine (Landsat) LST of the first reference date.</source>
        <translation>LST fine (Landsat) de la première date de référence.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Coarse (MODIS) LST, reference pair 1</source>
        <translation>LST grossière (MODIS), paire de référence 1</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Coarse (MODIS) LST of the first reference date, on the same grid as FINE_REF1.</source>
        <translation>LST grossière (MODIS) de la première date de référence, sur la même grille que FINE_REF1.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Fine (Landsat) LST, reference pair 2</source>
        <translation>LST fine (Landsat), paire de référence 2</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Fine (Landsat) LST of the second reference date (after the target for ESTARFM).</source>
        <translation>LST fine (Landsat) de la seconde date de référence (après la cible pour ESTARFM).</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Coarse (MODIS) LST, reference pair 2</source>
        <translation>LST grossière (MODIS), paire de référence 2</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Coarse (MODIS) LST of the second reference date, on the same grid.</source>
        <translation>LST grossière (MODIS) de la seconde date de référence, sur la même grille.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Window size (pixels, odd)</source>
        <translation>Taille de fenêtre (pixels, impaire)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Side of the moving window in pixels, odd; 51 as in Zhu&apos;s code for 30 m Landsat and 500 m MODIS.</source>
        <translation>Côté de la fenêtre glissante en pixels, impair ; 51 comme dans le code de Zhu pour Landsat à 30 m et MODIS à 500 m.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Number of classes</source>
        <translation>Nombre de classes</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Number of land-cover classes assumed for the similar-pixel threshold (2 std / classes).</source>
        <translation>Nombre de classes d'occupation du sol supposé pour le seuil des pixels similaires (2 écarts-types / classes).</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Coarse change threshold for regression (degrees)</source>
        <translation>Seuil de changement grossier pour la régression (degrés)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Minimum coarse change (degrees) over the similar pixels for the conversion coefficient to be estimated by regression; below it the coefficient is 1.</source>
        <translation>Changement grossier minimal (degrés) sur les pixels similaires pour que le coefficient de conversion soit estimé par régression ; en dessous, le coefficient vaut 1.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Mode</source>
        <translation>Mode</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>published: Zhu&apos;s ESTARFM as published; lst-robust: conversion coefficients shrunk towards 1 and bounded, one pair where the two references disagree by more than 3 degrees.</source>
        <translation>published : l'ESTARFM de Zhu tel que publié ; lst-robust : coefficients de conversion rétrécis vers 1 et bornés, une seule paire là où les deux références diffèrent de plus de 3 degrés.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Engine for the window sums</source>
        <translation>Moteur des sommes sur fenêtre</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Computes the window sums: auto = PyTorch on a CUDA GPU when one is visible, else numba when installed (about 10x faster than NumPy), else NumPy; all engines give the same result within float rounding, and the log says which one ran.</source>
        <translation>Calcule les sommes sur fenêtre : auto = PyTorch sur un GPU CUDA s'il y en a un, sinon numba s'il est installé (environ 10 fois plus rapide que NumPy), sinon NumPy ; tous les moteurs donnent le même résultat aux arrondis près, et le journal indique lequel a tourné.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>MODIS-consistent residual correction</source>
        <translation>Correction des résidus cohérente avec MODIS</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Make the prediction true to MODIS. &apos;MODIS footprint&apos;: averaged over each MODIS pixel (COARSE_PIXEL metres) it then equals COARSE_TARGET averaged there, the residuals spread back smoothly (bicubic) as FSDAF and TsHARP do. &apos;scene mean&apos;: one offset, so that its mean equals MODIS&apos;s and the fused pattern stays whole. &apos;none&apos; by default: README, &apos;Accuracy on real data&apos;, shows where each helps.</source>
        <translation>Rend la prédiction fidèle à MODIS. « empreinte MODIS » : moyennée sur chaque pixel MODIS (COARSE_PIXEL mètres), elle égale alors la moyenne de COARSE_TARGET sur ce pixel, les résidus étant redistribués en douceur (bicubique) comme le font FSDAF et TsHARP. « moyenne de la scène » : un seul décalage, pour que sa moyenne égale celle de MODIS et que le motif fusionné reste intact. « none » (aucune) par défaut : le README, « Accuracy on real data », montre où chacune aide.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>MODIS pixel size for the correction (m)</source>
        <translation>Taille de pixel MODIS pour la correction (m)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>MODIS pixel size in metres, the footprint of the residual correction (1000 for MOD11A1 LST).</source>
        <translation>Taille de pixel MODIS en mètres, l'empreinte de la correction des résidus (1000 pour la LST MOD11A1).</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>ESTARFM prediction</source>
        <translation>Prédiction ESTARFM</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Fused fine LST of the target date: .tif, .img, .nc or .gpkg (a .vrt cannot hold pixels).</source>
        <translation>LST fine fusionnée de la date cible : .tif, .img, .nc ou .gpkg (un .vrt ne peut pas contenir de pixels).</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>STARFM</source>
        <translation>STARFM</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>STARFM (Gao et al. 2006): one reference pair (or two) plus the coarse image of the target date give the fine image of the target date. All inputs must share one grid (use lstfusion:resample). The output carries its method, date, unit and parameters as GDAL metadata and loads with a temperature style named &apos;STARFM date&apos;.</source>
        <translation>STARFM (Gao et al. 2006) : une paire de référence (ou deux) et l'image grossière de la date cible donnent l'image fine de la date cible. Toutes les entrées doivent partager une même grille (utilisez lstfusion:resample). La sortie porte sa méthode, sa date, son unité et ses paramètres en métadonnées GDAL et se charge avec un style de température nommé « STARFM date ».</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Optional second fine (Landsat) reference; with COARSE_REF2 the prediction uses both pairs.</source>
        <translation>Seconde référence fine (Landsat) facultative ; avec COARSE_REF2 la prédiction utilise les deux paires.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Optional coarse (MODIS) LST of the second reference date, with FINE_REF2.</source>
        <translation>LST grossière (MODIS) facultative de la seconde date de référence, avec FINE_REF2.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Side of the moving window in pixels, odd; 31 as in starfm4py.</source>
        <translation>Côté de la fenêtre glissante en pixels, impair ; 31 comme dans starfm4py.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Number of land-cover classes assumed for the similar-pixel threshold (4 by default).</source>
        <translation>Nombre de classes d'occupation du sol supposé pour le seuil des pixels similaires (4 par défaut).</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Spatial distance factor A</source>
        <translation>Facteur de distance spatiale A</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>A in the relative distance D = 1 + d/A (150 by default).</source>
        <translation>A dans la distance relative D = 1 + d/A (150 par défaut).</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Sensor uncertainty (degrees)</source>
        <translation>Incertitude du capteur (degrés)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Sensor uncertainty in degrees (0.5), used in the sample filter and the combined distance (S + sigma)(T + sigma)D.</source>
        <translation>Incertitude du capteur en degrés (0,5), utilisée dans le filtre des échantillons et la distance combinée (S + sigma)(T + sigma)D.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>STARFM prediction</source>
        <translation>Prédiction STARFM</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Fit-FC</source>
        <translation>Fit-FC</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Fit-FC (Wang &amp;amp; Atkinson 2018): one reference pair plus the coarse image of the target date give the fine image of the target date, built for strong temporal change. Regression model fitting (a local line from the coarse reference to the coarse target in a moving window, applied to the fine reference), spatial filtering (a weighted mean over the most similar pixels) and residual compensation (the coarse residual, averaged over each MODIS pixel and interpolated bicubically). Defaults as the ImageFusion package&apos;s Fit-FC (docs/fitfc_fsdaf.md). All inputs must share one grid (use lstfusion:resample). The output carries its method, date, unit and parameters as GDAL metadata and loads with a temperature style named &apos;Fit-FC date&apos;.</source>
        <translation>Fit-FC (Wang &amp;amp; Atkinson 2018) : une paire de référence et l'image grossière de la date cible donnent l'image fine de la date cible, conçu pour les forts changements temporels. Ajustement d'un modèle de régression (une droite locale de la référence grossière vers la cible grossière dans une fenêtre glissante, appliquée à la référence fine), filtrage spatial (une moyenne pondérée sur les pixels les plus similaires) et compensation du résidu (le résidu grossier, moyenné sur chaque pixel MODIS et interpolé en bicubique). Valeurs par défaut comme le Fit-FC du paquet ImageFusion (docs/fitfc_fsdaf.md). Toutes les entrées doivent partager une même grille (utilisez lstfusion:resample). La sortie porte sa méthode, sa date, son unité et ses paramètres en métadonnées GDAL et se charge avec un style de température nommé « Fit-FC date ».</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Side of the moving window of the regression and of the filter in pixels, odd; 51 as ImageFusion.</source>
        <translation>Côté de la fenêtre glissante de la régression et du filtre en pixels, impair ; 51 comme ImageFusion.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Number of similar pixels</source>
        <translation>Nombre de pixels similaires</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Number of most similar pixels (the centre included) averaged by the filter; 10 as ImageFusion.</source>
        <translation>Nombre de pixels les plus similaires (centre compris) moyennés par le filtre ; 10 comme ImageFusion.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>MODIS pixel size in metres (1000 for MOD11A1 LST): the footprint over which Fit-FC averages its residual before interpolating it, and of the residual correction.</source>
        <translation>Taille de pixel MODIS en mètres (1000 pour la LST MOD11A1) : l'empreinte sur laquelle Fit-FC moyenne son résidu avant de l'interpoler, et celle de la correction des résidus.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Fit-FC prediction</source>
        <translation>Prédiction Fit-FC</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>FSDAF</source>
        <translation>FSDAF</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>FSDAF (Zhu et al. 2016): one reference pair plus the coarse image of the target date give the fine image of the target date. The fine reference is classified (k-means, deterministic); each class&apos;s temporal change comes from the purest MODIS pixels by bounded least squares; a thin plate spline of the coarse target and a homogeneity index distribute the residual; a filter over similar pixels gives the result. As Zhu&apos;s IDL code, step by step (docs/fitfc_fsdaf.md). All inputs must share one grid (use lstfusion:resample). The output carries its method, date, unit and parameters as GDAL metadata and loads with a temperature style named &apos;FSDAF date&apos;.</source>
        <translation>FSDAF (Zhu et al. 2016) : une paire de référence et l'image grossière de la date cible donnent l'image fine de la date cible. La référence fine est classifiée (k-means, déterministe) ; le changement temporel de chaque classe vient des pixels MODIS les plus purs par moindres carrés bornés ; une spline de plaque mince de la cible grossière et un indice d'homogénéité répartissent le résidu ; un filtre sur les pixels similaires donne le résultat. Comme le code IDL de Zhu, étape par étape (docs/fitfc_fsdaf.md). Toutes les entrées doivent partager une même grille (utilisez lstfusion:resample). La sortie porte sa méthode, sa date, son unité et ses paramètres en métadonnées GDAL et se charge avec un style de température nommé « FSDAF date ».</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Side of the window of the homogeneity index and of the final filter in pixels, odd; 41 as Zhu&apos;s code (w = 20).</source>
        <translation>Côté de la fenêtre de l'indice d'homogénéité et du filtre final en pixels, impair ; 41 comme le code de Zhu (w = 20).</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Number of k-means classes of the fine reference (4, the lower end of Zhu&apos;s ISODATA range 4-6).</source>
        <translation>Nombre de classes k-means de la référence fine (4, le bas de la plage ISODATA 4-6 de Zhu).</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Number of similar pixels of the final filter; 20 as Zhu&apos;s code.</source>
        <translation>Nombre de pixels similaires du filtre final ; 20 comme le code de Zhu.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Purest MODIS pixels per class</source>
        <translation>Pixels MODIS les plus purs par classe</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Number of purest MODIS pixels per class used for its temporal change; 100 as Zhu&apos;s code.</source>
        <translation>Nombre de pixels MODIS les plus purs par classe utilisés pour son changement temporel ; 100 comme le code de Zhu.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>MODIS pixel size in metres (1000 for MOD11A1 LST): FSDAF&apos;s coarse pixel, and the footprint of the residual correction.</source>
        <translation>Taille de pixel MODIS en mètres (1000 pour la LST MOD11A1) : le pixel grossier de FSDAF et l'empreinte de la correction des résidus.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>FSDAF prediction</source>
        <translation>Prédiction FSDAF</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Thermal sharpening</source>
        <translation>Affinage thermique</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Thermal sharpening of the target day (the TsHARP / DisTrad / Data Mining Sharpener family, Gao, Kustas &amp;amp; Anderson 2012): the target day&apos;s MODIS LST, averaged over each MODIS footprint, is regressed on the fine reference LST averaged over the same footprints (a regression tree with a line per leaf, scikit-learn; or one line over the scene with DEPTH 0), the regression is applied at the fine scale, and each footprint&apos;s residual is corrected so that the result averages to the day&apos;s MODIS over every footprint. The fine pattern is the reference&apos;s, its contrast the target day&apos;s own. COARSE_REF1 is not used. All inputs must share one grid (use lstfusion:resample). The output carries its method, date, unit and parameters as GDAL metadata and loads with a temperature style named &apos;Thermal sharpening date&apos;.</source>
        <translation>Affinage thermique du jour cible (la famille TsHARP / DisTrad / Data Mining Sharpener, Gao, Kustas &amp;amp; Anderson 2012) : la LST MODIS du jour cible, moyennée sur chaque empreinte MODIS, est régressée sur la LST fine de référence moyennée sur les mêmes empreintes (un arbre de régression avec une droite par feuille, scikit-learn ; ou une seule droite sur la scène avec DEPTH 0), la régression est appliquée à l'échelle fine, et le résidu de chaque empreinte est corrigé pour que le résultat ait pour moyenne le MODIS du jour sur chaque empreinte. Le motif fin est celui de la référence, son contraste celui du jour cible. COARSE_REF1 n'est pas utilisé. Toutes les entrées doivent partager une même grille (utilisez lstfusion:resample). La sortie porte sa méthode, sa date, son unité et ses paramètres en métadonnées GDAL et se charge avec un style de température nommé « Thermal sharpening date ».</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Tree depth (0 = one line)</source>
        <translation>Profondeur de l'arbre (0 = une seule droite)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Depth of the regression tree of the day&apos;s MODIS on the nearest Landsat&apos;s LST averaged per MODIS footprint, with a line per leaf (as the Data Mining Sharpener); 0 is one line over the scene (TsHARP-like) and needs no scikit-learn.</source>
        <translation>Profondeur de l'arbre de régression du MODIS du jour sur la LST du Landsat le plus proche moyennée par empreinte MODIS, avec une droite par feuille (comme le Data Mining Sharpener) ; 0 est une seule droite sur la scène (à la TsHARP) et ne demande pas scikit-learn.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Fewest MODIS footprints per leaf</source>
        <translation>Nombre minimal d'empreintes MODIS par feuille</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Fewest MODIS footprints in a leaf of the tree: fewer footprints cannot split it.</source>
        <translation>Nombre minimal d'empreintes MODIS dans une feuille de l'arbre : avec moins d'empreintes, elle ne peut pas être divisée.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>An extra correction after the method&apos;s own: the method already keeps each MODIS footprint&apos;s mean, so &apos;MODIS footprint&apos; changes nothing and &apos;scene mean&apos; almost nothing; &apos;none&apos; by default.</source>
        <translation>Une correction supplémentaire après celle de la méthode : la méthode conserve déjà la moyenne de chaque empreinte MODIS, donc « empreinte MODIS » ne change rien et « moyenne de la scène » presque rien ; « none » par défaut.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>MODIS pixel size in metres (1000 for MOD11A1 LST): the footprint over which the regression is fitted and the residual corrected, and of the optional extra residual correction.</source>
        <translation>Taille de pixel MODIS en mètres (1000 pour la LST MOD11A1) : l'empreinte sur laquelle la régression est ajustée et le résidu corrigé, et celle de la correction supplémentaire facultative des résidus.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Thermal sharpening prediction</source>
        <translation>Prédiction de l'affinage thermique</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>All-pairs regression</source>
        <translation>Régression sur toutes les paires</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Every reference pair at once: each fine pixel&apos;s LST is fitted over all the reference dates as a line of its MODIS LST (Landsat = a + b x MODIS, pixel by pixel), its slope pulled towards the pooled slope of its class of mean reference LST by RIDGE (so that three or four pairs do not overfit), and the line is applied to the target day&apos;s MODIS. With one pair it is &apos;Landsat ref + MODIS change&apos;; with RIDGE 0 each pixel&apos;s own least squares. A pixel missing on some reference dates is fitted on the dates it has. The references: a DATASET folder (lstfusion:align_pairs), or LANDSAT and MODIS lists of same-day rasters dated by their names, all on the grid of COARSE_TARGET (use lstfusion:align_pairs or lstfusion:resample). fuse_series fits the model once for a whole series. The output carries its method, date, unit, reference dates and parameters as GDAL metadata and loads with a temperature style.</source>
        <translation>Toutes les paires de référence à la fois : la LST de chaque pixel fin est ajustée sur toutes les dates de référence comme une droite de sa LST MODIS (Landsat = a + b x MODIS, pixel par pixel), sa pente étant tirée par RIDGE vers la pente commune de sa classe de LST de référence moyenne (pour que trois ou quatre paires ne surajustent pas), et la droite est appliquée au MODIS du jour cible. Avec une paire, c'est « Landsat ref + MODIS change » ; avec RIDGE 0, les moindres carrés propres à chaque pixel. Un pixel manquant à certaines dates de référence est ajusté sur les dates qu'il a. Les références : un dossier DATASET (lstfusion:align_pairs), ou des listes LANDSAT et MODIS de rasters du même jour datés par leur nom, tous sur la grille de COARSE_TARGET (utilisez lstfusion:align_pairs ou lstfusion:resample). fuse_series ajuste le modèle une fois pour toute une série. La sortie porte sa méthode, sa date, son unité, ses dates de référence et ses paramètres en métadonnées GDAL et se charge avec un style de température.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>MODIS LST of the target date</source>
        <translation>LST MODIS de la date cible</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>MODIS LST of the target date on the fine grid of the references.</source>
        <translation>LST MODIS de la date cible sur la grille fine des références.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Reference pairs: dataset folder (align_pairs)</source>
        <translation>Paires de référence : dossier du jeu de données (align_pairs)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>A folder written by lstfusion:align_pairs: its same-day pairs are the references.</source>
        <translation>Un dossier écrit par lstfusion:align_pairs : ses paires du même jour sont les références.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Reference Landsat LST rasters</source>
        <translation>Rasters LST Landsat de référence</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Instead of DATASET: the reference Landsat LST rasters, dated by their names.</source>
        <translation>À la place de DATASET : les rasters LST Landsat de référence, datés par leur nom.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Reference MODIS LST rasters (same days)</source>
        <translation>Rasters LST MODIS de référence (mêmes jours)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Instead of DATASET: the MODIS LST rasters of the same days, on the same grid, dated by their names.</source>
        <translation>À la place de DATASET : les rasters LST MODIS des mêmes jours, sur la même grille, datés par leur nom.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Ridge towards the class slope (K²)</source>
        <translation>Ridge vers la pente de la classe (K²)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Strength of the pull of each pixel&apos;s slope towards its class&apos;s, in K^2 (or degC^2) of MODIS variation over the reference dates: the prior weighs as much as that much spread of the pixel&apos;s MODIS; 0 is each pixel&apos;s own least squares.</source>
        <translation>Force de l'attraction de la pente de chaque pixel vers celle de sa classe, en K^2 (ou °C^2) de variation de MODIS sur les dates de référence : l'a priori pèse autant que cette dispersion du MODIS du pixel ; 0 correspond aux moindres carrés propres à chaque pixel.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Classes of mean reference LST</source>
        <translation>Classes de LST de référence moyenne</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Classes of the pixels&apos; mean reference LST (equal pixel counts), each with the pooled slope its pixels are pulled towards.</source>
        <translation>Classes de la LST de référence moyenne des pixels (effectifs égaux), chacune avec la pente commune vers laquelle ses pixels sont tirés.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>An extra correction after the method: &apos;MODIS footprint&apos; makes each MODIS footprint average to the day&apos;s MODIS, &apos;scene mean&apos; the scene; validate_methods scores both (+RC, +SM) on your own pairs. &apos;none&apos; by default.</source>
        <translation>Une correction supplémentaire après la méthode : « empreinte MODIS » ramène la moyenne de chaque empreinte MODIS au MODIS du jour, « moyenne de la scène » celle de la scène ; validate_methods note les deux (+RC, +SM) sur vos propres paires. « none » par défaut.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>MODIS pixel size in metres, for the optional residual correction.</source>
        <translation>Taille de pixel MODIS en mètres, pour la correction facultative des résidus.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>All-pairs regression prediction</source>
        <translation>Prédiction de la régression sur toutes les paires</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Fuse a daily LST series</source>
        <translation>Fusionner une série quotidienne de LST</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Fuses a daily fine (30 m) LST series, one raster per MODIS date between START and END. The OUTPUT folder gets LST_METHOD_YYYYMMDD.tif per date (and its uncertainty map UNC_METHOD_YYYYMMDD.tif, the half-width of the 90 % interval), series.csv (date, status, reference dates, MODIS clear %, output, uncertainty, coarse source), series.vrt (one band per date), series_stats.csv and series_report.html (mean, p10, p90 per date and subregion, fused beside MODIS, Landsat dates marked). MODIS may mix daily sources (MODIS, VIIRS, Sentinel-3 SLSTR): one per date by SOURCE_ORDER, the level step between them on days both observed in source_steps.csv and the report. Reference pairs are Landsat dates with a MODIS raster of the same day: ESTARFM and two-pair models take the nearest pair on or before the date and the nearest after it, one-pair models the nearest, STARFM two when there are two; pairs farther than MAX_GAP_DAYS are not used and such dates are skipped with the reason in series.csv. A re-run keeps every date already complete with the same inputs and parameters. Tiles run on Dask when it is installed (in this process, or on the cluster of DASK_SCHEDULER), else one after another; the results are the same bit for bit. When loaded, the dates form a layer group with one temperature style and legend range, each layer with its own day as fixed temporal range, so the Temporal Controller animates the season.</source>
        <translation>Fusionne une série quotidienne de LST fine (30 m), un raster par date MODIS entre START et END. Le dossier OUTPUT reçoit LST_METHODE_AAAAMMJJ.tif par date (et sa carte d'incertitude UNC_METHODE_AAAAMMJJ.tif, la demi-largeur de l'intervalle à 90 %), series.csv (date, état, dates de référence, % dégagé de MODIS, sortie, incertitude, source grossière), series.vrt (une bande par date), series_stats.csv et series_report.html (moyenne, p10, p90 par date et sous-région, la fusion à côté de MODIS, dates Landsat marquées). MODIS peut mêler plusieurs sources quotidiennes (MODIS, VIIRS, Sentinel-3 SLSTR) : une par date selon SOURCE_ORDER, le saut de niveau entre elles les jours observés par les deux dans source_steps.csv et le rapport. Les paires de référence sont les dates Landsat ayant un raster MODIS du même jour : ESTARFM et les modèles à deux paires prennent la paire la plus proche à la date ou avant et la plus proche après, les modèles à une paire la plus proche, STARFM deux quand il y en a deux ; les paires plus éloignées que MAX_GAP_DAYS ne sont pas utilisées et ces dates sont ignorées avec leur motif dans series.csv. Une nouvelle exécution conserve chaque date déjà complète avec les mêmes entrées et paramètres. Les tuiles tournent sur Dask s'il est installé (dans ce processus, ou sur le cluster de DASK_SCHEDULER), sinon l'une après l'autre ; les résultats sont identiques au bit près. Une fois chargées, les dates forment un groupe de couches avec un même style de température et une même plage de légende, chaque couche ayant son jour comme plage temporelle fixe, de sorte que le contrôleur temporel anime la saison.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>MODIS LST rasters (daily)</source>
        <translation>Rasters LST MODIS (quotidiens)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Daily MODIS LST rasters dated by their names (YYYYMMDD, YYYY-MM-DD, year + day of year 2020068, MODIS A2021227) or an ACQUISITION_DATE tag; on the Landsat grid or resampled onto it per tile.</source>
        <translation>Rasters LST MODIS quotidiens datés par leur nom (AAAAMMJJ, AAAA-MM-JJ, année + jour de l'année 2020068, MODIS A2021227) ou par une étiquette ACQUISITION_DATE ; sur la grille Landsat ou rééchantillonnés sur elle par tuile.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Landsat LST rasters dated by their names, all on one grid (the grid of the series).</source>
        <translation>Rasters LST Landsat datés par leur nom, tous sur une même grille (la grille de la série).</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Dataset folder (align_pairs) instead of the lists</source>
        <translation>Dossier du jeu de données (align_pairs) à la place des listes</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Instead of MODIS and LANDSAT: a folder written by lstfusion:align_pairs (index.csv).</source>
        <translation>À la place de MODIS et LANDSAT : un dossier écrit par lstfusion:align_pairs (index.csv).</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Fusion method: a classical method (ESTARFM, STARFM, Fit-FC, FSDAF), a deep model (with its CHECKPOINT), or auto (the default): the classical method and variant (as is, +SM or +RC) with the lowest mean RMSE in a leave-one-date-out on the series&apos; own pairs (overrides RESIDUAL_CORRECTION; the documented default STARFM +SM with fewer than 4 pairs).</source>
        <translation>Méthode de fusion : une méthode classique (ESTARFM, STARFM, Fit-FC, FSDAF), un modèle profond (avec son CHECKPOINT), ou auto (par défaut) : la méthode classique et la variante (telle quelle, +SM ou +RC) de plus faible RMSE moyen en validation « une date exclue » sur les propres paires de la série (remplace RESIDUAL_CORRECTION ; le défaut documenté STARFM +SM avec moins de 4 paires).</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Checkpoint (.pt; empty = bundled)</source>
        <translation>Checkpoint (.pt ; vide = celui fourni)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>For the deep models: a .pt file written by lstfusion:train_&lt;model&gt;; empty = the bundled one.</source>
        <translation>Pour les modèles profonds : un fichier .pt écrit par lstfusion:train_&lt;modèle&gt; ; vide = celui fourni avec l'extension.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>First date (YYYY-MM-DD); empty = the first MODIS date.</source>
        <translation>Première date (AAAA-MM-JJ) ; vide = la première date MODIS.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Last date (YYYY-MM-DD); empty = the last MODIS date.</source>
        <translation>Dernière date (AAAA-MM-JJ) ; vide = la dernière date MODIS.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Farthest reference pair (days)</source>
        <translation>Paire de référence la plus éloignée (jours)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>The farthest, in days, a reference pair may be from the date it serves.</source>
        <translation>L'écart maximal, en jours, entre une paire de référence et la date qu'elle sert.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Gap-fill MODIS dates clearer than this less (%)</source>
        <translation>Combler les dates MODIS plus dégagées que ce seuil (%)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>A MODIS date with fewer clear pixels than this percentage is gap-filled first (linear in time, then focal mean), and skipped with the reason when it cannot be filled.</source>
        <translation>Une date MODIS ayant moins de pixels dégagés que ce pourcentage est d'abord comblée (linéairement dans le temps, puis par moyenne focale), et ignorée avec son motif quand elle ne peut pas l'être.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Address of a dask.distributed scheduler (tcp://host:8786) to run the tiles on; empty = in this QGIS process (one thread per core).</source>
        <translation>Adresse d'un ordonnanceur dask.distributed (tcp://hôte:8786) sur lequel exécuter les tuiles ; vide = dans ce processus QGIS (un thread par cœur).</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Band of the Landsat rasters</source>
        <translation>Bande des rasters Landsat</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Band of the Landsat rasters to fuse (multi-band exports).</source>
        <translation>Bande des rasters Landsat à fusionner (exports multibandes).</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Band of the MODIS rasters</source>
        <translation>Bande des rasters MODIS</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Band of the MODIS rasters to fuse.</source>
        <translation>Bande des rasters MODIS à fusionner.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Landsat scale factor</source>
        <translation>Facteur d'échelle Landsat</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Factor applied to the Landsat values on reading (e.g. 0.0001 for reflectance x 10000).</source>
        <translation>Facteur appliqué aux valeurs Landsat à la lecture (p. ex. 0,0001 pour une réflectance x 10000).</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>MODIS scale factor</source>
        <translation>Facteur d'échelle MODIS</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Factor applied to the MODIS values on reading.</source>
        <translation>Facteur appliqué aux valeurs MODIS à la lecture.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Quantity</source>
        <translation>Grandeur</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>What the rasters hold, for ESTARFM&apos;s similarity and outlier revision: lst (K or degC) or reflectance (0-1).</source>
        <translation>Ce que contiennent les rasters, pour la similarité et la révision des valeurs aberrantes d'ESTARFM : lst (K ou °C) ou réflectance (0-1).</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Window size (pixels, odd; 0 = default)</source>
        <translation>Taille de fenêtre (pixels, impaire ; 0 = par défaut)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Side of the moving window in pixels, odd; 0 = the method&apos;s default (ESTARFM 51, STARFM 31).</source>
        <translation>Côté de la fenêtre glissante en pixels, impair ; 0 = le défaut de la méthode (ESTARFM 51, STARFM 31).</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Tile size (pixels)</source>
        <translation>Taille des tuiles (pixels)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Edge of one task&apos;s tile in pixels (plus the window&apos;s halo); memory per task grows with it.</source>
        <translation>Côté de la tuile d'une tâche en pixels (plus le halo de la fenêtre) ; la mémoire par tâche croît avec lui.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Subregions (polygons)</source>
        <translation>Sous-régions (polygones)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Polygons (e.g. urban districts) scored separately besides the whole image; a pixel belongs to a polygon when its centre falls inside. Any CRS: reprojected onto the raster&apos;s.</source>
        <translation>Polygones (p. ex. quartiers urbains) notés séparément en plus de l'image entière ; un pixel appartient à un polygone quand son centre y tombe. Tout SCR : reprojetés dans celui du raster.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Subregion name field</source>
        <translation>Champ du nom des sous-régions</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Field of SUBREGIONS that names each polygon in the table and on the maps (default: region N).</source>
        <translation>Champ de SUBREGIONS qui nomme chaque polygone dans le tableau et sur les cartes (par défaut : region N).</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Series folder</source>
        <translation>Dossier de la série</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Folder for the dated rasters, series.csv, series.vrt, series_stats.csv and series_report.html.</source>
        <translation>Dossier des rasters datés, de series.csv, series.vrt, series_stats.csv et series_report.html.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Reference pairs (STARFM)</source>
        <translation>Paires de référence (STARFM)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Reference pairs of a method that can run with one or two (STARFM): as validate_methods names its rows, &apos;STARFM (1 pair)&apos; or &apos;STARFM (2 pairs)&apos;; other methods run with their own rule only. With auto, the rule it chose.</source>
        <translation>Paires de référence d'une méthode qui peut travailler avec une ou deux (STARFM) : comme validate_methods nomme ses lignes, « STARFM (1 pair) » ou « STARFM (2 pairs) » ; les autres méthodes n'utilisent que leur propre règle. Avec auto, la règle qu'il a choisie.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Uncertainty map per date (90 % half-width)</source>
        <translation>Carte d'incertitude par date (demi-largeur à 90 %)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Write UNC_METHOD_YYYYMMDD.tif beside each date: per pixel the half-width of the central 90 % interval of the LST (in its unit), calibrated on the series&apos; own pairs (each pair date predicted from the others as the series runs the method) by class and by the day&apos;s MODIS change. Needs two pairs or more and a classical method; series.csv says why a date has none.</source>
        <translation>Écrit UNC_METHODE_AAAAMMJJ.tif à côté de chaque date : par pixel, la demi-largeur de l'intervalle central à 90 % de la LST (dans son unité), calibrée sur les propres paires de la série (chaque date de paire prédite à partir des autres comme la série applique la méthode) par classe et selon le changement MODIS du jour. Nécessite au moins deux paires et une méthode classique ; series.csv dit pourquoi une date n'en a pas.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Optional land-cover raster on the Landsat grid (integer classes &gt; 0): the classes of the uncertainty calibration; empty = terciles of the reference Landsat LST.</source>
        <translation>Raster d'occupation du sol facultatif sur la grille Landsat (classes entières &gt; 0) : les classes de la calibration de l'incertitude ; vide = terciles de la LST Landsat de référence.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Dates with a fused raster</source>
        <translation>Dates avec un raster fusionné</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>series.csv</source>
        <translation>series.csv</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>series.vrt</source>
        <translation>series.vrt</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Season report</source>
        <translation>Rapport de saison</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Evaluate a prediction</source>
        <translation>Évaluer une prédiction</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Scores a prediction against a reference LST raster on the same grid, over the whole image and over each polygon of &lt;b&gt;SUBREGIONS&lt;/b&gt; (pixels whose centres fall inside; &lt;b&gt;NAME_FIELD&lt;/b&gt; names them). NaN/nodata pixels are excluded everywhere, also inside SSIM windows.&lt;br&gt;RMSE, MAE, BIAS (prediction &amp;minus; reference) in the data unit; CC Pearson; PSNR and SSIM with the reference&apos;s max&amp;minus;min over valid pixels of the whole image as data range (SSIM: 7&amp;times;7 window, scikit-image conventions); SAM: angle in degrees between the prediction and reference image vectors (one band has no per-pixel spectrum), in Kelvin; ERGAS = 100&amp;middot;(fine/coarse pixel size)&amp;middot;RMSE/mean, mean in Kelvin; &lt;b&gt;RESOLUTION_RATIO&lt;/b&gt; 30/1000 = 0.03 (33.3 is read the same way).&lt;br&gt;Outputs: &lt;b&gt;OUTPUT_TABLE&lt;/b&gt; (CSV), &lt;b&gt;OUTPUT_HTML&lt;/b&gt; (report with maps, scatter plot and error histogram), &lt;b&gt;OUTPUT_ERROR&lt;/b&gt; (signed error raster), and each whole-image metric as a number.</source>
        <translation>Note une prédiction par rapport à un raster de LST de référence sur la même grille, sur l'image entière et sur chaque polygone de &lt;b&gt;SUBREGIONS&lt;/b&gt; (les pixels dont le centre y tombe ; &lt;b&gt;NAME_FIELD&lt;/b&gt; les nomme). Les pixels NaN/nodata sont exclus partout, y compris dans les fenêtres du SSIM.&lt;br&gt;RMSE, MAE, BIAS (prédiction &amp;minus; référence) dans l'unité des données ; CC de Pearson ; PSNR et SSIM avec comme dynamique le max&amp;minus;min de la référence sur les pixels valides de toute l'image (SSIM : fenêtre 7&amp;times;7, conventions de scikit-image) ; SAM : angle en degrés entre les vecteurs image de la prédiction et de la référence (une bande n'a pas de spectre par pixel), en kelvins ; ERGAS = 100&amp;middot;(taille de pixel fin/grossier)&amp;middot;RMSE/moyenne, moyenne en kelvins ; &lt;b&gt;RESOLUTION_RATIO&lt;/b&gt; 30/1000 = 0,03 (33,3 est lu de la même façon).&lt;br&gt;Sorties : &lt;b&gt;OUTPUT_TABLE&lt;/b&gt; (CSV), &lt;b&gt;OUTPUT_HTML&lt;/b&gt; (rapport avec cartes, nuage de points et histogramme des erreurs), &lt;b&gt;OUTPUT_ERROR&lt;/b&gt; (raster de l'erreur signée), et chaque métrique de l'image entière sous forme de nombre.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Predicted LST</source>
        <translation>LST prédite</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Predicted LST raster (e.g. an ESTARFM or deep-model output).</source>
        <translation>Raster de LST prédite (p. ex. une sortie d'ESTARFM ou d'un modèle profond).</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Reference LST (e.g. real Landsat of that date)</source>
        <translation>LST de référence (p. ex. le vrai Landsat de cette date)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Reference LST on the same grid, e.g. the real Landsat LST of the predicted date.</source>
        <translation>LST de référence sur la même grille, p. ex. la vraie LST Landsat de la date prédite.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Fine/coarse pixel size ratio for ERGAS</source>
        <translation>Rapport des tailles de pixel fin/grossier pour ERGAS</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Fine/coarse pixel size ratio used by ERGAS, e.g. 30/1000 = 0.03 for Landsat/MODIS (33.3 is read the same way).</source>
        <translation>Rapport des tailles de pixel fin/grossier utilisé par ERGAS, p. ex. 30/1000 = 0,03 pour Landsat/MODIS (33,3 est lu de la même façon).</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Metric table</source>
        <translation>Tableau des métriques</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Metric table, one row per region: CSV, or a GeoPackage attribute table (.gpkg).</source>
        <translation>Tableau des métriques, une ligne par région : CSV, ou table attributaire GeoPackage (.gpkg).</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Report</source>
        <translation>Rapport</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Optional self-contained HTML report: header, table, maps with subregion outlines, scatter, histogram.</source>
        <translation>Rapport HTML autonome facultatif : en-tête, tableau, cartes avec les contours des sous-régions, nuage de points, histogramme.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Error (prediction - reference)</source>
        <translation>Erreur (prédiction - référence)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Optional signed error raster, prediction minus reference.</source>
        <translation>Raster facultatif de l'erreur signée, prédiction moins référence.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>RMSE</source>
        <translation>RMSE</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>SSIM</source>
        <translation>SSIM</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>PSNR</source>
        <translation>PSNR</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>SAM</source>
        <translation>SAM</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>CC</source>
        <translation>CC</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>ERGAS</source>
        <translation>ERGAS</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>MAE</source>
        <translation>MAE</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>BIAS</source>
        <translation>BIAS</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Compare methods</source>
        <translation>Comparer des méthodes</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Scores several predictions of the same date against one reference, over the whole image and each subregion, and ranks them by RMSE per region. Method names are the layer names. Metric conventions as in lstfusion:evaluate. Outputs one CSV table and one HTML report.&lt;br&gt;Baselines: with &lt;b&gt;COARSE_TARGET&lt;/b&gt; (MODIS of the date on the same grid) the table gains the row &apos;MODIS resampled&apos;; with &lt;b&gt;FINE_REF1&lt;/b&gt; and &lt;b&gt;COARSE_REF1&lt;/b&gt; (a reference pair) also &apos;Landsat ref + MODIS change&apos; (FINE_REF1 + COARSE_TARGET &amp;minus; COARSE_REF1). With both, every method gets a verdict: &apos;beats both&apos; or &apos;LOSES to ...&apos; (by RMSE, per region).</source>
        <translation>Note plusieurs prédictions de la même date par rapport à une référence, sur l'image entière et chaque sous-région, et les classe par RMSE dans chaque région. Les noms des méthodes sont les noms des couches. Conventions des métriques comme dans lstfusion:evaluate. Produit un tableau CSV et un rapport HTML.&lt;br&gt;Références de comparaison : avec &lt;b&gt;COARSE_TARGET&lt;/b&gt; (le MODIS de la date sur la même grille), le tableau gagne la ligne « MODIS resampled » ; avec &lt;b&gt;FINE_REF1&lt;/b&gt; et &lt;b&gt;COARSE_REF1&lt;/b&gt; (une paire de référence), aussi « Landsat ref + MODIS change » (FINE_REF1 + COARSE_TARGET &amp;minus; COARSE_REF1). Avec les deux, chaque méthode reçoit un verdict : « beats both » ou « LOSES to ... » (par RMSE, par région).</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Predictions</source>
        <translation>Prédictions</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Predictions of the same date by several methods; the layer names name the methods.</source>
        <translation>Prédictions de la même date par plusieurs méthodes ; les noms des couches nomment les méthodes.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Reference LST</source>
        <translation>LST de référence</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Reference LST on the same grid, e.g. the real Landsat LST of that date.</source>
        <translation>LST de référence sur la même grille, p. ex. la vraie LST Landsat de cette date.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>MODIS of the date, on the reference grid (baseline)</source>
        <translation>MODIS de la date, sur la grille de référence (référence de comparaison)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Landsat of a reference pair (baseline)</source>
        <translation>Landsat d'une paire de référence (référence de comparaison)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>MODIS of that reference pair (baseline)</source>
        <translation>MODIS de cette paire de référence (référence de comparaison)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Ranking table</source>
        <translation>Tableau de classement</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Ranking table (by RMSE within each region): CSV, or a GeoPackage attribute table (.gpkg).</source>
        <translation>Tableau de classement (par RMSE dans chaque région) : CSV, ou table attributaire GeoPackage (.gpkg).</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Optional HTML report: the ranking table, then a maps and error panel per method.</source>
        <translation>Rapport HTML facultatif : le tableau de classement, puis un panneau de cartes et d'erreurs par méthode.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Validate methods on this series</source>
        <translation>Valider les méthodes sur cette série</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Finds out which method works on your own series: leave-one-date-out over every same-day pair with a pair before and after it. Each method predicts that date from the other pairs only (deep models are trained anew without it, at small size, for at most EPOCHS epochs), as is, with the scene-mean correction (+SM) and per MODIS footprint (+RC), and is scored against that date&apos;s Landsat, beside the baselines &apos;MODIS resampled&apos; and &apos;Landsat ref + MODIS change&apos;. The row &apos;auto&apos; is the method chosen for each date by an inner leave-one-date-out on the other pairs (classical methods). The recommendation is auto&apos;s rule on all pairs: the method and variant of lowest mean RMSE (a tie to the cheaper). The HTML report adds the errors per land-cover class and the temporal variability per date. Needs at least three pairs.</source>
        <translation>Détermine quelle méthode fonctionne sur votre propre série : validation « une date exclue » sur chaque paire du même jour ayant une paire avant et une paire après. Chaque méthode prédit cette date à partir des autres paires seulement (les modèles profonds sont réentraînés sans elle, en petite taille, pendant au plus EPOCHS époques), telle quelle, avec la correction de la moyenne de la scène (+SM) et par empreinte MODIS (+RC), et est notée par rapport au Landsat de cette date, à côté des références de comparaison « MODIS resampled » et « Landsat ref + MODIS change ». La ligne « auto » est la méthode choisie pour chaque date par une validation « une date exclue » interne sur les autres paires (méthodes classiques). La recommandation est la règle d'auto appliquée à toutes les paires : la méthode et la variante de plus faible RMSE moyen (à égalité, la moins coûteuse). Le rapport HTML ajoute les erreurs par classe d'occupation du sol et la variabilité temporelle par date. Nécessite au moins trois paires.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Dataset folder (align_pairs)</source>
        <translation>Dossier du jeu de données (align_pairs)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>A folder written by lstfusion:align_pairs (index.csv); or give MODIS and LANDSAT.</source>
        <translation>Un dossier écrit par lstfusion:align_pairs (index.csv) ; ou indiquez MODIS et LANDSAT.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Instead of DATASET: MODIS LST rasters dated by their names (aligned first, as align_pairs does).</source>
        <translation>À la place de DATASET : rasters LST MODIS datés par leur nom (alignés d'abord, comme le fait align_pairs).</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Instead of DATASET: Landsat LST rasters dated by their names (band LANDSAT_BAND holds LST).</source>
        <translation>À la place de DATASET : rasters LST Landsat datés par leur nom (la bande LANDSAT_BAND contient la LST).</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Methods to score; the deep models are trained once per test date (small size, EPOCHS).</source>
        <translation>Méthodes à noter ; les modèles profonds sont entraînés une fois par date de test (petite taille, EPOCHS).</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Deep models: epochs per test date</source>
        <translation>Modèles profonds : époques par date de test</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Training budget of each deep model per test date (epochs, with early stopping).</source>
        <translation>Budget d'entraînement de chaque modèle profond par date de test (époques, avec arrêt anticipé).</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Optional land-cover class raster on the Landsat grid (integer classes &gt; 0); without it, quantile classes of NDVI (Earth Engine exports&apos; band 2) or else of the reference LST.</source>
        <translation>Raster facultatif des classes d'occupation du sol sur la grille Landsat (classes entières &gt; 0) ; sans lui, des classes par quantiles du NDVI (bande 2 des exports Earth Engine) ou, à défaut, de la LST de référence.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Band of the Landsat rasters that holds LST (with MODIS and LANDSAT).</source>
        <translation>Bande des rasters Landsat qui contient la LST (avec MODIS et LANDSAT).</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Band of the MODIS rasters that holds LST (with MODIS and LANDSAT).</source>
        <translation>Bande des rasters MODIS qui contient la LST (avec MODIS et LANDSAT).</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Results table</source>
        <translation>Tableau des résultats</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>CSV: method, variant, date, region and the metrics, with each row&apos;s verdict.</source>
        <translation>CSV : méthode, variante, date, région et métriques, avec le verdict de chaque ligne.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>HTML report: tables per date, the mean table, auto&apos;s choices, both analyses, error maps.</source>
        <translation>Rapport HTML : tableaux par date, tableau des moyennes, choix d'auto, les deux analyses, cartes d'erreur.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Minimum clear pixels of a pair (%)</source>
        <translation>Pixels dégagés minimum d'une paire (%)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>A same-day pair whose Landsat or MODIS has fewer clear pixels than this percentage is neither a test date nor a reference (said in the log); a pair without any clear pixel never is.</source>
        <translation>Une paire du même jour dont le Landsat ou le MODIS a moins de pixels dégagés que ce pourcentage n'est ni une date de test ni une référence (indiqué dans le journal) ; une paire sans aucun pixel dégagé ne l'est jamais.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Recommended method</source>
        <translation>Méthode recommandée</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Recommended variant</source>
        <translation>Variante recommandée</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Test dates (folds)</source>
        <translation>Dates de test (plis)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Train EDCSTFN</source>
        <translation>Entraîner EDCSTFN</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Fusion (deep learning)</source>
        <translation>Fusion (apprentissage profond)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Trains EDCSTFN (autoencoder; Tan et al. 2019, Remote Sensing 11, 2898) on same-day MODIS/Landsat pairs: a dataset folder from lstfusion:align_pairs, or Landsat and MODIS rasters on one grid with dates in their names. Inputs of the model: FINE_REF1, COARSE_REF1, COARSE_TARGET. Paper&apos;s learning rate: 0.001. Patches without nodata by default (95 px, stride 20) (MIN_VALID_PATCH: partly cloudy ones too, with a masked loss), random flips/rotations, validation on the latest date(s), early stopping; DEVICE auto uses a CUDA GPU when PyTorch sees one (with mixed precision), SIZE auto the paper&apos;s configuration there and the small one on a CPU. Writes one checkpoint (.pt) with weights, normalisation, training dates and versions, and an optional CSV log per epoch.</source>
        <translation>Entraîne EDCSTFN (auto-encodeur ; Tan et al. 2019, Remote Sensing 11, 2898) sur des paires MODIS/Landsat du même jour : un dossier de jeu de données d'lstfusion:align_pairs, ou des rasters Landsat et MODIS sur une même grille avec la date dans leur nom. Entrées du modèle : FINE_REF1, COARSE_REF1, COARSE_TARGET. Taux d'apprentissage de l'article : 0,001. Imagettes sans nodata par défaut (95 px, pas de 20) (MIN_VALID_PATCH : aussi des imagettes partiellement nuageuses, avec une perte masquée), retournements et rotations aléatoires, validation sur la ou les dates les plus récentes, arrêt anticipé ; DEVICE auto utilise un GPU CUDA quand PyTorch en voit un (en précision mixte), SIZE auto la configuration de l'article dans ce cas et la petite sur un CPU. Écrit un checkpoint (.pt) avec les poids, la normalisation, les dates d'entraînement et les versions, et un journal CSV facultatif par époque.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Dataset folder (from align_pairs)</source>
        <translation>Dossier du jeu de données (d'align_pairs)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Dataset folder written by lstfusion:align_pairs (L_/M_YYYYMMDD.tif and index.csv): its pairs and training_pairs (MIN_CLEAR_TRAINING); Landsat pixels marked gap-filled by lstfusion:gapfill enter no loss term.</source>
        <translation>Dossier de jeu de données écrit par lstfusion:align_pairs (L_/M_AAAAMMJJ.tif et index.csv) : ses paires et ses training_pairs (MIN_CLEAR_TRAINING) ; les pixels Landsat marqués comme comblés par lstfusion:gapfill n'entrent dans aucun terme de perte.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>or: Landsat LST rasters (dated names)</source>
        <translation>ou : rasters LST Landsat (noms datés)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Instead of DATASET: Landsat LST rasters with dates in their names.</source>
        <translation>À la place de DATASET : rasters LST Landsat avec la date dans leur nom.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>and MODIS LST rasters on the same grid</source>
        <translation>et rasters LST MODIS sur la même grille</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>With LANDSAT: MODIS LST rasters on the same grid; rasters with the same date form a pair.</source>
        <translation>Avec LANDSAT : rasters LST MODIS sur la même grille ; les rasters de même date forment une paire.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Passes over the training patches; training stops earlier when validation stops improving.</source>
        <translation>Passages sur les imagettes d'entraînement ; l'entraînement s'arrête plus tôt quand la validation cesse de s'améliorer.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Batch size</source>
        <translation>Taille de lot</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Patches per optimisation step.</source>
        <translation>Imagettes par pas d'optimisation.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Learning rate (0 = the paper&apos;s)</source>
        <translation>Taux d'apprentissage (0 = celui de l'article)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Adam learning rate; 0 uses the paper&apos;s value.</source>
        <translation>Taux d'apprentissage d'Adam ; 0 utilise la valeur de l'article.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Patch size (pixels)</source>
        <translation>Taille des imagettes (pixels)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Side of the square training patches (pixels); patches with nodata are skipped.</source>
        <translation>Côté des imagettes carrées d'entraînement (pixels) ; les imagettes contenant du nodata sont ignorées.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Patch stride (pixels)</source>
        <translation>Pas des imagettes (pixels)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Step between patches (pixels); smaller gives more, overlapping patches.</source>
        <translation>Pas entre imagettes (pixels) ; plus petit, il donne davantage d'imagettes, qui se chevauchent.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Where PyTorch runs: auto = a CUDA GPU when PyTorch sees one, else the CPU.</source>
        <translation>Où PyTorch s'exécute : auto = un GPU CUDA quand PyTorch en voit un, sinon le CPU.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Model size</source>
        <translation>Taille du modèle</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Model size: &apos;paper&apos; is the published architecture, loss, optimiser and learning rate (README table of parameter counts; needs a GPU to train in reasonable time), &apos;small&apos; the reduced configuration that trains on a CPU (as the bundled checkpoints), &apos;auto&apos; = paper on a CUDA GPU, else small. Recorded in the checkpoint.</source>
        <translation>Taille du modèle : « paper » est l'architecture, la perte, l'optimiseur et le taux d'apprentissage publiés (tableau du nombre de paramètres dans le README ; un GPU est nécessaire pour l'entraîner en un temps raisonnable), « small » la configuration réduite qui s'entraîne sur CPU (comme les checkpoints fournis), « auto » = paper sur un GPU CUDA, sinon small. Consigné dans le checkpoint.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Predict from two pairs (reference weighting)</source>
        <translation>Prédire à partir de deux paires (pondération des références)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>EDCSTFN only: train for the reference&apos;s two-pair prediction (pairs before and after each target, blended by the inverse size of each pair&apos;s change features); needs three dates, and FINE_REF2/COARSE_REF2 when predicting.</source>
        <translation>EDCSTFN seulement : entraîne pour la prédiction à deux paires de la référence (paires avant et après chaque cible, mélangées selon l'inverse de l'ampleur des caractéristiques de changement de chaque paire) ; nécessite trois dates, et FINE_REF2/COARSE_REF2 à la prédiction.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Random seed</source>
        <translation>Graine aléatoire</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Random seed for the weights, the patch order and the augmentations (reproducible runs).</source>
        <translation>Graine aléatoire des poids, de l'ordre des imagettes et des augmentations (exécutions reproductibles).</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Least valid fraction of a training patch (0-1]</source>
        <translation>Fraction valide minimale d'une imagette d'entraînement (0-1]</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Least fraction (above 0, at most 1) of a patch&apos;s pixels that must be valid for the patch to be trained on: the Landsat target observed (not missing, not gap-filled) and every input finite. 1 (default): patches without nodata; e.g. 0.5 also trains on partly cloudy patches, whose invalid pixels enter no loss term (masked loss).</source>
        <translation>Fraction minimale (supérieure à 0, au plus 1) des pixels d'une imagette qui doivent être valides pour qu'elle serve à l'entraînement : la cible Landsat observée (ni manquante, ni comblée) et toutes les entrées finies. 1 (par défaut) : imagettes sans nodata ; p. ex. 0,5 entraîne aussi sur des imagettes partiellement nuageuses, dont les pixels invalides n'entrent dans aucun terme de perte (perte masquée).</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Checkpoint (.pt) with the weights, normalisation, unit, training dates and versions.</source>
        <translation>Checkpoint (.pt) avec les poids, la normalisation, l'unité, les dates d'entraînement et les versions.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Training log</source>
        <translation>Journal d'entraînement</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Optional CSV log with the losses of each epoch.</source>
        <translation>Journal CSV facultatif avec les pertes de chaque époque.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Predict with EDCSTFN</source>
        <translation>Prédire avec EDCSTFN</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Predicts the fine LST of the target date with a trained EDCSTFN checkpoint (Tan et al. 2019, Remote Sensing 11, 2898). The bundled checkpoint (trained on the small sample; see README) is the default. All rasters must share one grid. Whole scenes are processed in overlapping tiles with smooth blending; nodata is propagated. The output carries the model, date, unit, checkpoint and its SHA-256 as GDAL metadata and loads with a temperature style named &apos;EDCSTFN date&apos;.</source>
        <translation>Prédit la LST fine de la date cible avec un checkpoint EDCSTFN entraîné (Tan et al. 2019, Remote Sensing 11, 2898). Le checkpoint fourni (entraîné sur le petit échantillon ; voir le README) est utilisé par défaut. Tous les rasters doivent partager une même grille. Les scènes entières sont traitées en tuiles qui se chevauchent, fondues progressivement ; le nodata est propagé. La sortie porte le modèle, la date, l'unité, le checkpoint et son SHA-256 en métadonnées GDAL et se charge avec un style de température nommé « EDCSTFN date ».</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>A .pt file written by lstfusion:train_&lt;model&gt;; leave empty for the checkpoint bundled with the plugin (trained on the small sample, see README). No path is stored by default, so a saved model3 stays portable.</source>
        <translation>Un fichier .pt écrit par lstfusion:train_&lt;modèle&gt; ; laissez vide pour le checkpoint fourni avec l'extension (entraîné sur le petit échantillon, voir le README). Aucun chemin n'est stocké par défaut, donc un model3 enregistré reste portable.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Side of the tiles the scene is predicted in (pixels); overlapping tiles are blended smoothly.</source>
        <translation>Côté des tuiles dans lesquelles la scène est prédite (pixels) ; les tuiles qui se chevauchent sont fondues progressivement.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>EDCSTFN prediction</source>
        <translation>Prédiction EDCSTFN</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Predicted fine LST of the target date: .tif, .img, .nc or .gpkg (a .vrt cannot hold pixels).</source>
        <translation>LST fine prédite de la date cible : .tif, .img, .nc ou .gpkg (un .vrt ne peut pas contenir de pixels).</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Train STTFN</source>
        <translation>Entraîner STTFN</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Trains STTFN (CNN; Yin et al. 2021, IEEE TGRS 59(2)) on same-day MODIS/Landsat pairs: a dataset folder from lstfusion:align_pairs, or Landsat and MODIS rasters on one grid with dates in their names. Inputs of the model: FINE_REF1, COARSE_REF1, FINE_REF2, COARSE_REF2, COARSE_TARGET. Paper&apos;s learning rate: 0.001. Patches without nodata by default (95 px, stride 20) (MIN_VALID_PATCH: partly cloudy ones too, with a masked loss), random flips/rotations, validation on the latest date(s), early stopping; DEVICE auto uses a CUDA GPU when PyTorch sees one (with mixed precision), SIZE auto the paper&apos;s configuration there and the small one on a CPU. Writes one checkpoint (.pt) with weights, normalisation, training dates and versions, and an optional CSV log per epoch.</source>
        <translation>Entraîne STTFN (CNN ; Yin et al. 2021, IEEE TGRS 59(2)) sur des paires MODIS/Landsat du même jour : un dossier de jeu de données d'lstfusion:align_pairs, ou des rasters Landsat et MODIS sur une même grille avec la date dans leur nom. Entrées du modèle : FINE_REF1, COARSE_REF1, FINE_REF2, COARSE_REF2, COARSE_TARGET. Taux d'apprentissage de l'article : 0,001. Imagettes sans nodata par défaut (95 px, pas de 20) (MIN_VALID_PATCH : aussi des imagettes partiellement nuageuses, avec une perte masquée), retournements et rotations aléatoires, validation sur la ou les dates les plus récentes, arrêt anticipé ; DEVICE auto utilise un GPU CUDA quand PyTorch en voit un (en précision mixte), SIZE auto la configuration de l'article dans ce cas et la petite sur un CPU. Écrit un checkpoint (.pt) avec les poids, la normalisation, les dates d'entraînement et les versions, et un journal CSV facultatif par époque.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Predict with STTFN</source>
        <translation>Prédire avec STTFN</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Predicts the fine LST of the target date with a trained STTFN checkpoint (Yin et al. 2021, IEEE TGRS 59(2)). The bundled checkpoint (trained on the small sample; see README) is the default. All rasters must share one grid. Whole scenes are processed in overlapping tiles with smooth blending; nodata is propagated. The output carries the model, date, unit, checkpoint and its SHA-256 as GDAL metadata and loads with a temperature style named &apos;STTFN date&apos;.</source>
        <translation>Prédit la LST fine de la date cible avec un checkpoint STTFN entraîné (Yin et al. 2021, IEEE TGRS 59(2)). Le checkpoint fourni (entraîné sur le petit échantillon ; voir le README) est utilisé par défaut. Tous les rasters doivent partager une même grille. Les scènes entières sont traitées en tuiles qui se chevauchent, fondues progressivement ; le nodata est propagé. La sortie porte le modèle, la date, l'unité, le checkpoint et son SHA-256 en métadonnées GDAL et se charge avec un style de température nommé « STTFN date ».</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>STTFN prediction</source>
        <translation>Prédiction STTFN</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Train MLFF-GAN</source>
        <translation>Entraîner MLFF-GAN</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Trains MLFF-GAN (GAN; Song et al. 2022, IEEE TGRS 60) on same-day MODIS/Landsat pairs: a dataset folder from lstfusion:align_pairs, or Landsat and MODIS rasters on one grid with dates in their names. Inputs of the model: FINE_REF1, COARSE_REF1, COARSE_TARGET. Paper&apos;s learning rate: 0.0002. Patches without nodata by default (95 px, stride 20) (MIN_VALID_PATCH: partly cloudy ones too, with a masked loss), random flips/rotations, validation on the latest date(s), early stopping; DEVICE auto uses a CUDA GPU when PyTorch sees one (with mixed precision), SIZE auto the paper&apos;s configuration there and the small one on a CPU. Writes one checkpoint (.pt) with weights, normalisation, training dates and versions, and an optional CSV log per epoch.</source>
        <translation>Entraîne MLFF-GAN (GAN ; Song et al. 2022, IEEE TGRS 60) sur des paires MODIS/Landsat du même jour : un dossier de jeu de données d'lstfusion:align_pairs, ou des rasters Landsat et MODIS sur une même grille avec la date dans leur nom. Entrées du modèle : FINE_REF1, COARSE_REF1, COARSE_TARGET. Taux d'apprentissage de l'article : 0,0002. Imagettes sans nodata par défaut (95 px, pas de 20) (MIN_VALID_PATCH : aussi des imagettes partiellement nuageuses, avec une perte masquée), retournements et rotations aléatoires, validation sur la ou les dates les plus récentes, arrêt anticipé ; DEVICE auto utilise un GPU CUDA quand PyTorch en voit un (en précision mixte), SIZE auto la configuration de l'article dans ce cas et la petite sur un CPU. Écrit un checkpoint (.pt) avec les poids, la normalisation, les dates d'entraînement et les versions, et un journal CSV facultatif par époque.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Predict with MLFF-GAN</source>
        <translation>Prédire avec MLFF-GAN</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Predicts the fine LST of the target date with a trained MLFF-GAN checkpoint (Song et al. 2022, IEEE TGRS 60). The bundled checkpoint (trained on the small sample; see README) is the default. All rasters must share one grid. Whole scenes are processed in overlapping tiles with smooth blending; nodata is propagated. The output carries the model, date, unit, checkpoint and its SHA-256 as GDAL metadata and loads with a temperature style named &apos;MLFF-GAN date&apos;.</source>
        <translation>Prédit la LST fine de la date cible avec un checkpoint MLFF-GAN entraîné (Song et al. 2022, IEEE TGRS 60). Le checkpoint fourni (entraîné sur le petit échantillon ; voir le README) est utilisé par défaut. Tous les rasters doivent partager une même grille. Les scènes entières sont traitées en tuiles qui se chevauchent, fondues progressivement ; le nodata est propagé. La sortie porte le modèle, la date, l'unité, le checkpoint et son SHA-256 en métadonnées GDAL et se charge avec un style de température nommé « MLFF-GAN date ».</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>MLFF-GAN prediction</source>
        <translation>Prédiction MLFF-GAN</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Train GAN-STFM</source>
        <translation>Entraîner GAN-STFM</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Trains GAN-STFM (GAN; Tan et al. 2022, IEEE TGRS 60) on same-day MODIS/Landsat pairs: a dataset folder from lstfusion:align_pairs, or Landsat and MODIS rasters on one grid with dates in their names. Inputs of the model: FINE_REF1, COARSE_TARGET. Paper&apos;s learning rate: 0.0002. Patches without nodata by default (95 px, stride 20) (MIN_VALID_PATCH: partly cloudy ones too, with a masked loss), random flips/rotations, validation on the latest date(s), early stopping; DEVICE auto uses a CUDA GPU when PyTorch sees one (with mixed precision), SIZE auto the paper&apos;s configuration there and the small one on a CPU. Writes one checkpoint (.pt) with weights, normalisation, training dates and versions, and an optional CSV log per epoch.</source>
        <translation>Entraîne GAN-STFM (GAN ; Tan et al. 2022, IEEE TGRS 60) sur des paires MODIS/Landsat du même jour : un dossier de jeu de données d'lstfusion:align_pairs, ou des rasters Landsat et MODIS sur une même grille avec la date dans leur nom. Entrées du modèle : FINE_REF1, COARSE_TARGET. Taux d'apprentissage de l'article : 0,0002. Imagettes sans nodata par défaut (95 px, pas de 20) (MIN_VALID_PATCH : aussi des imagettes partiellement nuageuses, avec une perte masquée), retournements et rotations aléatoires, validation sur la ou les dates les plus récentes, arrêt anticipé ; DEVICE auto utilise un GPU CUDA quand PyTorch en voit un (en précision mixte), SIZE auto la configuration de l'article dans ce cas et la petite sur un CPU. Écrit un checkpoint (.pt) avec les poids, la normalisation, les dates d'entraînement et les versions, et un journal CSV facultatif par époque.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Predict with GAN-STFM</source>
        <translation>Prédire avec GAN-STFM</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Predicts the fine LST of the target date with a trained GAN-STFM checkpoint (Tan et al. 2022, IEEE TGRS 60). The bundled checkpoint (trained on the small sample; see README) is the default. All rasters must share one grid. Whole scenes are processed in overlapping tiles with smooth blending; nodata is propagated. The output carries the model, date, unit, checkpoint and its SHA-256 as GDAL metadata and loads with a temperature style named &apos;GAN-STFM date&apos;.</source>
        <translation>Prédit la LST fine de la date cible avec un checkpoint GAN-STFM entraîné (Tan et al. 2022, IEEE TGRS 60). Le checkpoint fourni (entraîné sur le petit échantillon ; voir le README) est utilisé par défaut. Tous les rasters doivent partager une même grille. Les scènes entières sont traitées en tuiles qui se chevauchent, fondues progressivement ; le nodata est propagé. La sortie porte le modèle, la date, l'unité, le checkpoint et son SHA-256 en métadonnées GDAL et se charge avec un style de température nommé « GAN-STFM date ».</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>GAN-STFM prediction</source>
        <translation>Prédiction GAN-STFM</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Train SwinSTFM</source>
        <translation>Entraîner SwinSTFM</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Trains SwinSTFM (transformer; Chen et al. 2022, IEEE TGRS 60) on same-day MODIS/Landsat pairs: a dataset folder from lstfusion:align_pairs, or Landsat and MODIS rasters on one grid with dates in their names. Inputs of the model: FINE_REF1, COARSE_REF1, COARSE_TARGET. Paper&apos;s learning rate: 0.0001. Patches without nodata by default (95 px, stride 20) (MIN_VALID_PATCH: partly cloudy ones too, with a masked loss), random flips/rotations, validation on the latest date(s), early stopping; DEVICE auto uses a CUDA GPU when PyTorch sees one (with mixed precision), SIZE auto the paper&apos;s configuration there and the small one on a CPU. Writes one checkpoint (.pt) with weights, normalisation, training dates and versions, and an optional CSV log per epoch.</source>
        <translation>Entraîne SwinSTFM (transformer ; Chen et al. 2022, IEEE TGRS 60) sur des paires MODIS/Landsat du même jour : un dossier de jeu de données d'lstfusion:align_pairs, ou des rasters Landsat et MODIS sur une même grille avec la date dans leur nom. Entrées du modèle : FINE_REF1, COARSE_REF1, COARSE_TARGET. Taux d'apprentissage de l'article : 0,0001. Imagettes sans nodata par défaut (95 px, pas de 20) (MIN_VALID_PATCH : aussi des imagettes partiellement nuageuses, avec une perte masquée), retournements et rotations aléatoires, validation sur la ou les dates les plus récentes, arrêt anticipé ; DEVICE auto utilise un GPU CUDA quand PyTorch en voit un (en précision mixte), SIZE auto la configuration de l'article dans ce cas et la petite sur un CPU. Écrit un checkpoint (.pt) avec les poids, la normalisation, les dates d'entraînement et les versions, et un journal CSV facultatif par époque.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Predict with SwinSTFM</source>
        <translation>Prédire avec SwinSTFM</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Predicts the fine LST of the target date with a trained SwinSTFM checkpoint (Chen et al. 2022, IEEE TGRS 60). The bundled checkpoint (trained on the small sample; see README) is the default. All rasters must share one grid. Whole scenes are processed in overlapping tiles with smooth blending; nodata is propagated. The output carries the model, date, unit, checkpoint and its SHA-256 as GDAL metadata and loads with a temperature style named &apos;SwinSTFM date&apos;.</source>
        <translation>Prédit la LST fine de la date cible avec un checkpoint SwinSTFM entraîné (Chen et al. 2022, IEEE TGRS 60). Le checkpoint fourni (entraîné sur le petit échantillon ; voir le README) est utilisé par défaut. Tous les rasters doivent partager une même grille. Les scènes entières sont traitées en tuiles qui se chevauchent, fondues progressivement ; le nodata est propagé. La sortie porte le modèle, la date, l'unité, le checkpoint et son SHA-256 en métadonnées GDAL et se charge avec un style de température nommé « SwinSTFM date ».</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>SwinSTFM prediction</source>
        <translation>Prédiction SwinSTFM</translation>
    </message>
    <message>
        <location filename="../ui/download.py" line="236"/>
        <source>{aoi}: choose a polygon layer or draw an extent</source>
        <translation>{aoi} : choisissez une couche de polygones ou dessinez une emprise</translation>
    </message>
    <message>
        <location filename="../ui/download.py" line="239"/>
        <source>{start_param} {start} is after {end_param} {end}</source>
        <translation>{start_param} {start} est postérieure à {end_param} {end}</translation>
    </message>
    <message>
        <location filename="../ui/download.py" line="242"/>
        <source>{sensors}: choose at least one sensor</source>
        <translation>{sensors} : choisissez au moins un capteur</translation>
    </message>
    <message>
        <location filename="../ui/download.py" line="244"/>
        <source>{stac_url}: give the address of a STAC API</source>
        <translation>{stac_url} : indiquez l'adresse d'une API STAC</translation>
    </message>
    <message>
        <location filename="../ui/download.py" line="246"/>
        <source>{output}: choose an output folder</source>
        <translation>{output} : choisissez un dossier de sortie</translation>
    </message>
    <message>
        <location filename="../ui/evaluation.py" line="130"/>
        <source>{prediction}/{reference}: choose a prediction and a reference layer</source>
        <translation>{prediction}/{reference} : choisissez une couche de prédiction et une couche de référence</translation>
    </message>
    <message>
        <location filename="../ui/fusion.py" line="39"/>
        <source>{method} expects pair 1 before and pair 2 after the target date ({coarse_ref1} {d1}, {coarse_target} {t}, {coarse_ref2} {d2}); it runs anyway</source>
        <translation>{method} attend la paire 1 avant et la paire 2 après la date cible ({coarse_ref1} {d1}, {coarse_target} {t}, {coarse_ref2} {d2}) ; il s'exécute quand même</translation>
    </message>
    <message>
        <location filename="../ui/series.py" line="114"/>
        <source>{modis}/{landsat}: choose a MODIS folder and a Landsat folder with rasters</source>
        <translation>{modis}/{landsat} : choisissez un dossier MODIS et un dossier Landsat contenant des rasters</translation>
    </message>
    <message>
        <location filename="../ui/series.py" line="117"/>
        <source>{start_param} {start} is after {end_param} {end}: choose an earlier start</source>
        <translation>{start_param} {start} est postérieure à {end_param} {end} : choisissez un début plus tôt</translation>
    </message>
    <message>
        <location filename="../ui/validate.py" line="142"/>
        <source>{modis}/{landsat}: choose the Series section&apos;s MODIS and Landsat folders (with rasters) first</source>
        <translation>{modis}/{landsat} : choisissez d'abord les dossiers MODIS et Landsat (avec des rasters) de la section Série</translation>
    </message>
    <message>
        <location filename="../ui/validate.py" line="145"/>
        <source>{dataset}: choose a folder written by lstfusion:align_pairs, or tick the Series section&apos;s folders</source>
        <translation>{dataset} : choisissez un dossier écrit par lstfusion:align_pairs, ou cochez les dossiers de la section Série</translation>
    </message>
    <message>
        <location filename="../ui/validate.py" line="148"/>
        <source>{methods}: choose at least one method</source>
        <translation>{methods} : choisissez au moins une méthode</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Reference grid</source>
        <translation>Grille de référence</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Dask scheduler address</source>
        <translation>Adresse de l'ordonnanceur Dask</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Land-cover classes for the uncertainty</source>
        <translation>Classes d'occupation du sol pour l'incertitude</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Land-cover classes</source>
        <translation>Classes d'occupation du sol</translation>
    </message>
    <message>
        <location filename="../algorithms/conventions.py" line="139"/>
        <source>Parameters</source>
        <translation>Paramètres</translation>
    </message>
    <message>
        <location filename="../ui/fusion.py" line="83"/>
        <source>Fusion method</source>
        <translation>Méthode de fusion</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>MODIS Terra</source>
        <translation>MODIS Terra</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>MODIS Aqua</source>
        <translation>MODIS Aqua</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Landsat 8</source>
        <translation>Landsat 8</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Landsat 9</source>
        <translation>Landsat 9</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>VIIRS SNPP</source>
        <translation>VIIRS SNPP</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>VIIRS NOAA-20</source>
        <translation>VIIRS NOAA-20</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>VIIRS NOAA-21</source>
        <translation>VIIRS NOAA-21</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Sentinel-3 SLSTR</source>
        <translation>Sentinel-3 SLSTR</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>celsius</source>
        <translation>celsius</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>kelvin</source>
        <translation>kelvin</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Day</source>
        <translation>Jour</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Night</source>
        <translation>Nuit</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Default: LST produced, clear (no cirrus, not next to a cloud), not a missing pixel</source>
        <translation>Par défaut : LST produite, dégagée (sans cirrus, pas à côté d'un nuage), pixel non manquant</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Strict: good quality, clear, LST error below 1.5 K</source>
        <translation>Strict : bonne qualité, dégagé, erreur de LST inférieure à 1,5 K</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Produced: every pixel the product produced (cloudy ones are not produced)</source>
        <translation>Produit : chaque pixel que le produit a produit (les nuageux ne le sont pas)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>None: mask fill only (QC not read)</source>
        <translation>Aucun : masque seulement le remplissage (QC non lu)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>temporal+spatial</source>
        <translation>temporel+spatial</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>temporal</source>
        <translation>temporel</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>spatial</source>
        <translation>spatial</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>bicubic</source>
        <translation>bicubique</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>bilinear</source>
        <translation>bilinéaire</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>nearest</source>
        <translation>plus proche voisin</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>average</source>
        <translation>moyenne</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>published</source>
        <translation>published</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>lst-robust</source>
        <translation>lst-robust</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>auto</source>
        <translation>auto</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>numpy</source>
        <translation>numpy</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>numba</source>
        <translation>numba</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>torch</source>
        <translation>torch</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>MODIS footprint</source>
        <translation>empreinte MODIS</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>scene mean</source>
        <translation>moyenne de la scène</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>EDCSTFN</source>
        <translation>EDCSTFN</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>STTFN</source>
        <translation>STTFN</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>MLFF-GAN</source>
        <translation>MLFF-GAN</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>GAN-STFM</source>
        <translation>GAN-STFM</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>SwinSTFM</source>
        <translation>SwinSTFM</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>auto (choose by leave-one-date-out on the pairs)</source>
        <translation>auto (choix par validation « une date exclue » sur les paires)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>MODIS resampled</source>
        <translation>MODIS rééchantillonné</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>lst</source>
        <translation>lst</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>reflectance</source>
        <translation>réflectance</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>the method&apos;s own (STARFM: 2 pairs where there are two)</source>
        <translation>celles de la méthode (STARFM : 2 paires là où il y en a deux)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>1 pair (the nearest)</source>
        <translation>1 paire (la plus proche)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>2 pairs (before and after; the nearest where there is one)</source>
        <translation>2 paires (avant et après ; la plus proche là où il n'y en a qu'une)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>cpu</source>
        <translation>cpu</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>cuda</source>
        <translation>cuda</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>small</source>
        <translation>small</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>paper</source>
        <translation>paper</translation>
    </message>
    <message>
        <location filename="../ui/evaluation.py" line="143"/>
        <source>Evaluated: RMSE {rmse:.3f} {unit}, SSIM {ssim:.3f}</source>
        <translation>Évalué : RMSE {rmse:.3f} {unit}, SSIM {ssim:.3f}</translation>
    </message>
    <message>
        <location filename="../ui/series.py" line="158"/>
        <source>. Applied: {applied}. Why: {why}</source>
        <translation>. Appliqué : {applied}. Pourquoi : {why}</translation>
    </message>
    <message>
        <location filename="../ui/validate.py" line="173"/>
        <source>; errors (RMSE, MAE, BIAS) in {unit}</source>
        <translation> ; erreurs (RMSE, MAE, BIAS) en {unit}</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Factor applied to the Landsat values on reading (e.g. 0.0001 for reflectance x 10000). The dataset&apos;s rasters must be of one quantity (LST or reflectance) in one unit; it is written in their QUANTITY and LST_UNIT tags.</source>
        <translation>Facteur appliqué aux valeurs Landsat à la lecture (p. ex. 0.0001 pour une réflectance x 10000). Les rasters du jeu de données doivent être d'une seule grandeur (LST ou réflectance) dans une seule unité ; elle est écrite dans leurs étiquettes QUANTITY et LST_UNIT.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Uncertainty map (90% half-width)</source>
        <translation>Carte d'incertitude (demi-largeur à 90 %)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Optional: the prediction&apos;s uncertainty map, the half-width of its central 90 % interval per pixel in the LST&apos;s unit (tag UNCERTAINTY=90% half-width), calibrated on the two reference pairs: each pair&apos;s date predicted from the other pair with this method and these parameters and compared with its own Landsat (docs/uncertainty.md). It needs both pairs; with one pair no map can be calibrated and the run says so.</source>
        <translation>Facultatif : la carte d'incertitude de la prédiction, demi-largeur de son intervalle central à 90 % par pixel dans l'unité de la LST (étiquette UNCERTAINTY=90% half-width), calibrée sur les deux paires de référence : la date de chaque paire est prédite à partir de l'autre paire avec cette méthode et ces paramètres, puis comparée à son propre Landsat (docs/uncertainty.md). Il faut les deux paires ; avec une seule paire aucune carte ne peut être calibrée et le traitement le dit.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Optional second reference pair (Landsat and MODIS of one other date) used only to calibrate OUTPUT_UNCERTAINTY: the prediction uses the first pair.</source>
        <translation>Seconde paire de référence facultative (Landsat et MODIS d'une autre date), utilisée seulement pour calibrer OUTPUT_UNCERTAINTY : la prédiction utilise la première paire.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Fine predictors</source>
        <translation>Prédicteurs fins</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>LST only</source>
        <translation>LST seule</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>LST and spectral indices</source>
        <translation>LST et indices spectraux</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Optional, with PREDICTORS &apos;LST and spectral indices&apos;: a raster on the fine grid whose every band is a spectral index (NDVI, NDWI, NDBI ...) of the FINE_REF1 date; empty: the bands after the LST of FINE_REF1 (as Earth Engine exports carry them).</source>
        <translation>Facultatif, avec PREDICTORS « LST et indices spectraux » : un raster sur la grille fine dont chaque bande est un indice spectral (NDVI, NDWI, NDBI…) de la date de FINE_REF1 ; vide : les bandes qui suivent la LST de FINE_REF1 (telles que les exports Earth Engine les portent).</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Method applied (method, pairs, variant)</source>
        <translation>Méthode appliquée (méthode, paires, variante)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Why this method (auto&apos;s scores or fallback)</source>
        <translation>Pourquoi cette méthode (scores d'auto ou repli)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Residual correction applied</source>
        <translation>Correction résiduelle appliquée</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Unit of RMSE, MAE and BIAS (from the reference&apos;s tags)</source>
        <translation>Unité de RMSE, MAE et BIAS (d'après les étiquettes de la référence)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Calibration pair: MODIS LST of its date</source>
        <translation>Paire de calibration : LST MODIS de sa date</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Spectral indices of the reference Landsat date</source>
        <translation>Indices spectraux de la date Landsat de référence</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Calibration pair: fine Landsat LST</source>
        <translation>Paire de calibration : LST Landsat fine</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Searches a STAC API (Microsoft&apos;s Planetary Computer by default) for MOD11A1/MYD11A1 and Landsat 8/9 Collection 2 Level-2 items over &lt;b&gt;AOI&lt;/b&gt; between &lt;b&gt;START&lt;/b&gt; and &lt;b&gt;END&lt;/b&gt;, reads only the AOI window of each cloud-optimised GeoTIFF (HTTP range requests, native resolution) and converts it with the rules of import_modis and import_landsat (scale, fill, QC/QA bits). Writes MOD11A1/MOD11A1_YYYYMMDD.tif, MYD11A1/MYD11A1_YYYYMMDD.tif and landsat/LC08_YYYYMMDD.tif (LC09 for Landsat 9), one per date (items of one date mosaicked; every Landsat file on one grid), and downloads.csv (item id, date, sensor, scene cloud %, clear % in the AOI, status, reason). Dates whose AOI is less clear than MIN_CLEAR are rejected. A re-run keeps every date already complete with the same items and settings. The MODIS_FILES and LANDSAT_FILES outputs feed align_pairs and fuse_series (graphical modeler: resources/models/city_season.model3).&lt;br&gt;VIIRS (VNP21A1D, VJ121A1D, VJ221A1D) is searched in NASA&apos;s CMR-STAC (&lt;b&gt;CMR_STAC_URL&lt;/b&gt;) and read with the Earthdata Login of &lt;b&gt;AUTHCFG&lt;/b&gt; (or the EARTHDATA_TOKEN environment variable), rules of import_viirs, files VNP21A1D/VNP21A1D_YYYYMMDD.tif (VIIRS_FILES). Sentinel-3 SLSTR day passes (SL_2_LST) are fetched whole (NetCDF swaths) and gridded as import_slstr does onto the MODLAND 1 km grid over the AOI: SLSTR/SL_2_LST_YYYYMMDD.tif (SLSTR_FILES).&lt;br&gt;&lt;b&gt;FETCH_REFLECTANCE&lt;/b&gt; also reads each Landsat date&apos;s Collection 2 Level-2 surface reflectance (green, red, NIR, SWIR1 and QA_PIXEL) over the same window: landsat_sr/LC08_SR_YYYYMMDD.tif on the LST&apos;s grid (REFLECTANCE_FILES), the REFLECTANCE input of thermal sharpening.</source>
        <translation>Recherche dans une API STAC (Planetary Computer de Microsoft par défaut) les items MOD11A1/MYD11A1 et Landsat 8/9 Collection 2 niveau 2 sur &lt;b&gt;AOI&lt;/b&gt; entre &lt;b&gt;START&lt;/b&gt; et &lt;b&gt;END&lt;/b&gt;, ne lit que la fenêtre de l'AOI de chaque GeoTIFF optimisé pour le cloud (requêtes HTTP par plages, résolution native) et la convertit selon les règles d'import_modis et d'import_landsat (échelle, remplissage, bits QC/QA). Écrit MOD11A1/MOD11A1_AAAAMMJJ.tif, MYD11A1/MYD11A1_AAAAMMJJ.tif et landsat/LC08_AAAAMMJJ.tif (LC09 pour Landsat 9), un par date (les items d'une même date mosaïqués ; tous les fichiers Landsat sur une même grille), et downloads.csv (identifiant de l'item, date, capteur, % de nuages de la scène, % dégagé dans l'AOI, état, motif). Les dates dont l'AOI est moins dégagée que MIN_CLEAR sont rejetées. Une nouvelle exécution conserve chaque date déjà complète avec les mêmes items et réglages. Les sorties MODIS_FILES et LANDSAT_FILES alimentent align_pairs et fuse_series (modeleur graphique : resources/models/city_season.model3).&lt;br&gt;VIIRS (VNP21A1D, VJ121A1D, VJ221A1D) est recherché dans le CMR-STAC de la NASA (&lt;b&gt;CMR_STAC_URL&lt;/b&gt;) et lu avec l'Earthdata Login d'&lt;b&gt;AUTHCFG&lt;/b&gt; (ou la variable d'environnement EARTHDATA_TOKEN), selon les règles d'import_viirs, fichiers VNP21A1D/VNP21A1D_AAAAMMJJ.tif (VIIRS_FILES). Les passages de jour de Sentinel-3 SLSTR (SL_2_LST) sont téléchargés entiers (fauchées NetCDF) et mis sur la grille MODLAND à 1 km sur l'AOI comme le fait import_slstr : SLSTR/SL_2_LST_AAAAMMJJ.tif (SLSTR_FILES).&lt;br&gt;&lt;b&gt;FETCH_REFLECTANCE&lt;/b&gt; lit aussi la réflectance de surface Collection 2 niveau 2 de chaque date Landsat (vert, rouge, PIR, SWIR1 et QA_PIXEL) sur la même fenêtre : landsat_sr/LC08_SR_AAAAMMJJ.tif sur la grille de la LST (REFLECTANCE_FILES), l'entrée REFLECTANCE de l'affinage thermique.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Also fetch Landsat surface reflectance (green, red, NIR, SWIR1, QA_PIXEL)</source>
        <translation>Télécharger aussi la réflectance de surface Landsat (vert, rouge, PIR, SWIR1, QA_PIXEL)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Also fetch each Landsat date&apos;s Collection 2 Level-2 surface reflectance for the AOI window (assets green, red, nir08, swir16 and qa_pixel; Landsat 8/9 SR_B3-SR_B6): one 5-band GeoTIFF per date, landsat_sr/LC08_SR_YYYYMMDD.tif, on the LST&apos;s grid, bands green, red, NIR, SWIR1 as reflectance (DN x 0.0000275 - 0.2, NaN at fill) and QA_PIXEL as it is: thermal sharpening&apos;s REFLECTANCE input, from which it computes NDVI, NDWI and NDBI. A date whose items lack these assets keeps its LST and says so in downloads.csv.</source>
        <translation>Télécharger aussi la réflectance de surface Collection 2 niveau 2 de chaque date Landsat sur la fenêtre de l'AOI (assets green, red, nir08, swir16 et qa_pixel ; Landsat 8/9 SR_B3-SR_B6) : un GeoTIFF à 5 bandes par date, landsat_sr/LC08_SR_AAAAMMJJ.tif, sur la grille de la LST, bandes vert, rouge, PIR, SWIR1 en réflectance (CN x 0,0000275 - 0,2, NaN au remplissage) et QA_PIXEL tel quel : l'entrée REFLECTANCE de l'affinage thermique, dont il calcule NDVI, NDWI et NDBI. Une date dont les items n'ont pas ces assets garde sa LST et le dit dans downloads.csv.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Landsat surface reflectance rasters</source>
        <translation>Rasters de réflectance de surface Landsat</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>What the regression uses at the fine scale: the reference Landsat&apos;s LST only, or its LST and its spectral indices (NDVI, NDWI, NDBI: the INDICES raster, or computed from the REFLECTANCE raster of Collection 2 surface reflectance, else the bands after the first of FINE_REF1, as Earth Engine exports carry them). Appended; the one-date algorithm&apos;s only.</source>
        <translation>Ce que la régression utilise à l'échelle fine : la LST du Landsat de référence seule, ou sa LST et ses indices spectraux (NDVI, NDWI, NDBI : le raster INDICES, ou calculés à partir du raster REFLECTANCE de réflectance de surface Collection 2, sinon les bandes qui suivent la première de FINE_REF1, telles que les exports Earth Engine les portent). Ajouté en fin de liste ; propre à l'algorithme à une date.</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Surface reflectance of the reference Landsat date (C2 L2)</source>
        <translation>Réflectance de surface de la date Landsat de référence (C2 L2)</translation>
    </message>
    <message>
        <location filename="strings.py" line="6"/>
        <source>Optional, with PREDICTORS &apos;LST and spectral indices&apos; and INDICES empty: the FINE_REF1 date&apos;s Landsat Collection 2 Level-2 surface reflectance on the fine grid, 4 bands green, red, NIR, SWIR1 (Landsat 8/9 SR_B3-SR_B6, Landsat 5/7 SR_B2-SR_B5) or 5 with QA_PIXEL last, as search_download&apos;s FETCH_REFLECTANCE writes them; DN are scaled (x 0.0000275 - 0.2), fill and QA_PIXEL&apos;s cloud, shadow and snow bits masked, and NDVI, NDWI (green, NIR) and NDBI computed from it.</source>
        <translation>Facultatif, avec PREDICTORS « LST et indices spectraux » et INDICES vide : la réflectance de surface Landsat Collection 2 niveau 2 de la date de FINE_REF1 sur la grille fine, 4 bandes vert, rouge, PIR, SWIR1 (Landsat 8/9 SR_B3-SR_B6, Landsat 5/7 SR_B2-SR_B5) ou 5 avec QA_PIXEL en dernier, telles que les écrit FETCH_REFLECTANCE de search_download ; les CN sont mis à l'échelle (x 0,0000275 - 0,2), le remplissage et les bits nuage, ombre et neige de QA_PIXEL masqués, et NDVI, NDWI (vert, PIR) et NDBI en sont calculés.</translation>
    </message>
</context>
</TS>
